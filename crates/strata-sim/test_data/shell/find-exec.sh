find /data/sub -type f -exec cat {} \; | sort
find /data/sub -name '*.txt' -exec echo found {} \; | sort
cp -r /data/sub /tmp/del
find /tmp/del -name '*.txt' -exec rm {} \;
find /tmp/del | sort
find /data -empty | sort
find /data/sub -type f -exec ls {} + | sort
