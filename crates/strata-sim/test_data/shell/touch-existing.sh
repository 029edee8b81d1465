cp /data/words.txt /tmp/w
touch /tmp/w
wc -c < /tmp/w
touch /nodir/x; echo rc=$?
