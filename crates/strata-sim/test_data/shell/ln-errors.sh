ln -s /x /tmp/l1
ln -s /y /tmp/l1; echo rc=$?
ln /data /tmp/hd; echo rc=$?
ln /nope /tmp/h2; echo rc=$?
ln -s /data/words.txt /tmp/
ls -l /tmp/words.txt
