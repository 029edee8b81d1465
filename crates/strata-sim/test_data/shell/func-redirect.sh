f() { echo in-f; echo err-f >&2; } > /tmp/fo 2>&1
f
cat /tmp/fo
g() { echo $1; }
g arg > /tmp/go; cat /tmp/go
