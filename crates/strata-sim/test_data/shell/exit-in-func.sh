f() { exit 3; }
(f); echo sub=$?
return 2>/dev/null; echo rc=$?
f
echo never
