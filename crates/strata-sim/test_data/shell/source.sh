printf 'SRC_VAR=set\nsrc_fn() { echo fn $1; }\n' > /tmp/lib.sh
. /tmp/lib.sh
echo $SRC_VAR
src_fn x
. /tmp/nolib.sh
echo notreached
