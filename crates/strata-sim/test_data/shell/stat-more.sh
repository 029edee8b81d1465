stat -c '%n|%s|%F' /data /tmp /dev/null /data/nonl.txt
stat -c '%a %U:%G' /tmp /etc/shadow /root
stat -c '%A' /etc/passwd /tmp
