find /data/sub -type f -exec cat {} \;
find /data/sub -name '*.txt' -exec echo found {} \; | sort
cp -r /data/sub /tmp/del
find /tmp/del -name '*.txt' -delete
find /tmp/del | sort
find /data -empty | sort
