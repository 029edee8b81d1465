exec 4>/tmp/four
echo hi >&4
exec 4>&-
cat /tmp/four
echo x >&5; echo rc=$?
