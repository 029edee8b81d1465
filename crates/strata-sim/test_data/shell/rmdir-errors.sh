mkdir -p /tmp/a/b
rmdir /tmp/a; echo rc=$?
rmdir -p /tmp/a/b; echo rc=$?
ls /tmp
rmdir /data/words.txt; echo rc=$?
