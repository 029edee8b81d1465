x=hello
echo ${x} ${#x} ${y:-def} ${y-unset} ${x:+alt} ${z:=assigned} $z
f=/a/b/c.tar.gz
echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*}
empty=
echo "[${empty:-d}] [${empty-d}]"
