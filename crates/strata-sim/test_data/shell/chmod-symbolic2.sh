touch /tmp/p
chmod 000 /tmp/p; chmod u+rw,g+r /tmp/p; stat -c %a /tmp/p
chmod go=u /tmp/p; stat -c %a /tmp/p
chmod a-w /tmp/p; stat -c %a /tmp/p
chmod u+s,g+s /tmp/p; stat -c %a /tmp/p
chmod +t /tmp/p; stat -c %A /tmp/p
