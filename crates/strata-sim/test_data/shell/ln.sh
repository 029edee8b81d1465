ln -s /data/words.txt /tmp/sl
ls -l /tmp/sl
cat /tmp/sl | wc -l
ln /data/colon.txt /tmp/hard
ls -l /tmp/hard /data/colon.txt
ln -s x /tmp/sl; echo rc=$?
ln -sf /data/nonl.txt /tmp/sl; cat /tmp/sl; echo
readlink /tmp/sl
readlink -f /data/link.txt
