printf "hello world\n\001\377abcdefghijklmnopqrstuvwxyz" > /tmp/od.in
hexdump -C /tmp/od.in
xxd /tmp/od.in
xxd -p /tmp/od.in
printf abc | hexdump -C
printf abc | xxd
