mkdir /tmp/t
cp -r /data/sub /tmp/t
ls -R /tmp/t
cp -r /data/sub/ /tmp/t2
ls /tmp/t2
cp /nope /tmp; echo rc=$?
cp /data/words.txt 2>/dev/null; echo rc=$?
