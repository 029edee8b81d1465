touch /tmp/a; sleep 0; [ /tmp/a -ef /tmp/a ] && echo same
[ -r /data/words.txt ] && echo readable
[ -w /data/words.txt ] && echo writable
[ -x /data/words.txt ] || echo not-exec
[ -d /data/link.txt ] || echo not-dir
[ -h /data/link.txt ] && echo symlink
[ -S /data ] || echo not-socket
[ -k /tmp ] && echo sticky
