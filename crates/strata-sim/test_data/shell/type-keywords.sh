type if
type exit
type nosuch; echo rc=$?
command -V cd 2>&1
