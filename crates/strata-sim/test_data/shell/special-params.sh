set -- a 'b c' d
echo $# "$1" "$2"
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
false; echo $?
true; echo $?
echo $0
