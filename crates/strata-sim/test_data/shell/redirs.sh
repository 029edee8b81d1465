echo one > /tmp/r.txt
echo two >> /tmp/r.txt
cat < /tmp/r.txt
ls /nope 2> /tmp/err.txt; cat /tmp/err.txt
ls /nope > /tmp/both.txt 2>&1; cat /tmp/both.txt
echo toerr >&2
echo quiet > /dev/null
cat /nope 2>/dev/null || echo failed
