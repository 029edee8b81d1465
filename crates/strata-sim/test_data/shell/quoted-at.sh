f() { echo $#; }
f "$@"
set -- "" "x y"
f "$@"
f $@
f "$*"
