touch -d '2001-09-09 01:46:40' /tmp/old
ls -l /tmp/old
stat -c %Y /tmp/old
touch -d @0 /tmp/epoch; stat -c %Y /tmp/epoch
touch -c /tmp/nocreate; ls /tmp/nocreate; echo rc=$?
