umask
touch /tmp/u1; mkdir /tmp/d1
umask 077
touch /tmp/u2; mkdir /tmp/d2
ls -ld /tmp/u1 /tmp/u2 /tmp/d1 /tmp/d2
umask
