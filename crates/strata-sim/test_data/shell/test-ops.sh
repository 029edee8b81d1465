[ -f /data/words.txt ] && echo file
[ -d /data ] && echo dir
[ -e /nope ] || echo missing
[ -L /data/link.txt ] && echo link
[ -s /data/empty.txt ] || echo empty
[ abc = abc ] && echo eq
[ 3 -gt 2 -a 1 -lt 2 ] && echo and
[ ! -z x ] && echo nz
test 1 -eq; echo rc=$?
[ 1 = 1; echo rc=$?
[ -x /bin/busybox ] && echo exec
