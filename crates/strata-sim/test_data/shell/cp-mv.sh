cp /data/words.txt /tmp/w.txt && cat /tmp/w.txt | head -1
cp /data/sub /tmp/s; echo rc=$?
cp -r /data/sub /tmp/s && ls -R /tmp/s
mv /tmp/w.txt /tmp/moved.txt; ls /tmp
mv /nope /tmp; echo rc=$?
cp -p /data/pairs.txt /tmp/p.txt; ls -l /tmp/p.txt
mkdir /tmp/dest; cp /data/words.txt /data/colon.txt /tmp/dest; ls /tmp/dest
mv /tmp/dest /tmp/dest2; ls /tmp
