busybox echo via busybox
busybox basename /x/y
/bin/busybox ls /data/sub
busybox nosuchapplet; echo rc=$?
