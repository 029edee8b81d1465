echo x > /nodir/file; echo rc=$?
cat < /nope; echo rc=$?
echo y > /data; echo rc=$?
