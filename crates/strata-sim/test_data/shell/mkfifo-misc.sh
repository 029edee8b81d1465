mkfifo /tmp/fifo
ls -l /tmp/fifo
[ -p /tmp/fifo ] && echo pipe
realpath /data/link.txt
realpath /data/../data/sub
nproc >/dev/null && echo nproc-ok
sleep 1 && echo slept
