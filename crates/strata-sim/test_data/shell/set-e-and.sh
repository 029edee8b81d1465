set -e
false && echo x
echo after-and
f() { false; echo in-f; }
if f; then echo f-ok; fi
! true
echo after-bang
true && false
echo never
