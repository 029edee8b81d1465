mkdir -p /a/{b,c}
ls /a
touch /tmp/x{1,2}
ls /tmp
