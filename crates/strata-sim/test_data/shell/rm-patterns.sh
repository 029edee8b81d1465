mkdir -p /tmp/r/x && touch /tmp/r/a.log /tmp/r/b.log /tmp/r/c.txt
rm /tmp/r/*.log
ls /tmp/r
rm -r /tmp/r/*
ls /tmp/r
rm -rf /tmp/r/nothing*
echo rc=$?
rm /tmp/r; echo rc=$?
