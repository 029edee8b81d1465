echo a > /tmp/a
mv /tmp/a /tmp/b
cat /tmp/b
ls /tmp/a; echo rc=$?
mkdir /tmp/d
mv /tmp/b /tmp/d
ls /tmp/d
mv /data/sub /tmp/moved
ls /tmp/moved /data
