nosuchcmd arg
echo rc=$?
/bin/nosuch
echo rc=$?
./rel
echo rc=$?
