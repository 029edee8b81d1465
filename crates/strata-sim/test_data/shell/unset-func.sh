f() { echo f; }
f
unset -f f
f; echo rc=$?
v=1; unset v; echo "[$v]"
