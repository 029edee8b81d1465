greet() { echo "hello $1 ($#)"; return 3; }
greet bob x
echo rc=$?
f() { local v=inner; echo $v; }
v=outer; f; echo $v
count() { echo $#; }
count a b c
rec() { [ $1 -le 0 ] && return 0; echo $1; rec $(($1-1)); }
rec 3
