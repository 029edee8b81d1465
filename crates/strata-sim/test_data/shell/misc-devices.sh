echo via-stdin | cat /dev/stdin
echo teed | tee /dev/stderr 2>&1
touch -d '2001-09-09 01:46:40' /tmp/old; touch /tmp/new
find /tmp -mtime +1 -type f
find /tmp -mtime -1 -type f
date -u -d '2001-09-09 01:46:40' +%s
echo abcdef | { read -n 3 a; echo "[$a]"; }
echo xyz | { read -t 1 b; echo "[$b]"; }
