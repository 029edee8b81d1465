cat /dev/null; echo rc=$?
echo x > /dev/null; echo rc=$?
ls /dev/null
[ -c /dev/null ] && echo chardev
