cat /data; echo rc=$?
grep x /data; echo rc=$?
head /nope; echo rc=$?
wc -l /data 2>&1; echo rc=$?
