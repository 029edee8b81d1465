exec 3>&1
exec > /tmp/log 2>&1
echo to-log
ls /nope
exec 1>&3 2>&1
cat /tmp/log
echo back
