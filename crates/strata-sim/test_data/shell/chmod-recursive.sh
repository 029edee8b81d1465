mkdir -p /tmp/c/d && touch /tmp/c/f /tmp/c/d/g
chmod -R 700 /tmp/c
ls -lR /tmp/c
chmod -R u=rwX,go=rX /tmp/c
ls -lR /tmp/c
chmod abc /tmp/c; echo rc=$?
