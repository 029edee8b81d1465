which ls cat
which nosuch; echo rc=$?
command -v echo
command -v ls
command -v nosuch; echo rc=$?
type cd
type ls
f() { :; }; type f
