v=hello.world.txt
echo ${v/o/0} ${v//o/0} ${v/#h/H} ${v/%txt/TXT} ${v:2} ${v:2:3} ${v: -3}
echo "${v//./ }" ${v/world} ${v//[aeiou]/_}
n=0123456789; echo ${n:3:-2} ${n:0:1} ${n:20}
function f { echo func $1; }
f one
function g() { echo gee; }
g
echo $'a\tb' $'it\'s' $'\x41\101'
ls /nope &> /dev/null; echo rc=$?
ls /nope &> /tmp/both; cat /tmp/both
[[ abc == a* ]] && echo dbl
[[ abc != b* ]] && echo ne
[[ -d /data ]] && echo isdir
