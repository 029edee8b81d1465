printf "hello world\n\001\377abcdefghijklmnopqrstuvwxyz" > /tmp/od.in
od /tmp/od.in
od -c /tmp/od.in
od -An -tx1 /tmp/od.in
od -Ax -tx1 /tmp/od.in
od -x /tmp/od.in
od -tx4 /tmp/od.in
printf "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" | od -c
od -N 5 -t u1 /tmp/od.in
od -t d1 /tmp/od.in | head -2
printf "\\0\\0\\0" | od -An -tx1
pwd -P
