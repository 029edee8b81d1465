find /data -name '*.txt' | sort
find /data -type d | sort
find /data -maxdepth 1 -type f | sort
find /data/sub -name hello.txt
find /nope; echo rc=$?
find /data -type l
find /data -name '*.txt' -path '*sub*' | sort
find /data/sub -mindepth 1 | sort
