set -eu
A=1
echo "A=$A"
[ -n "$A" ] || exit 1
command -v ls >/dev/null && echo has-ls
command -v nope >/dev/null || echo no-nope
echo end
