g() { getopt "$@"; echo "rc=$?"; }
g -o ab:c:: --long alpha,beta:,gamma:: -n prog -- -a x -b1 -c -cv --alpha --beta=2 --gamma --gamma=g y "it's" -- -z
g -o ab: -- -z -b
g -o ab: -n myprog -- -z
g -o a -l alpha -- --al --nope
g ab: -a -b 3 x
g -o a --
g -T
g -o a -u -- -a 'x y'
g -o +a -- x -a
g -q -o a -- -z
g -o a -l alpha,also -- --al
g
g -o a -a -l long -- -long -a
g -o a -l flag -- --flag=1
g -o a -l req: -- --req
g --options=xy: --longoptions=name: -- -x --name v -yz w
g -Q -o a -- -a
set -- -v --file=/tmp/f extra
eval set -- "$(getopt -o vf: -l verbose,file: -- "$@")"
while true; do case "$1" in -v) echo verbose; shift;; -f|--file) echo "file=$2"; shift 2;; --) shift; break;; esac; done
echo "rest: $*"
