find /data -perm 0600
find /data -size -1 -type f | sort
find /data -name '*.txt' ! -name 'w*' | sort
find /data -name sub -prune -o -type f -print | sort
find /data \( -name 'e*' -o -name 'n*' \) | sort
find /data -user root -name colon.txt
find /data -maxdepth 0
