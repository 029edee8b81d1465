[ 1 -eq a ]; echo rc=$?
[ a -lt ]; echo rc=$?
[ ]; echo rc=$?
[ -f ]; echo rc=$?
test; echo rc=$?
[ 1 -eq 1 -o x ]; echo rc=$?
