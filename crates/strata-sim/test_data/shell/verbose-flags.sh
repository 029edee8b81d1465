mkdir -pv /tmp/v/w
rm -rv /tmp/v
touch /tmp/a; cp -v /tmp/a /tmp/b 2>&1; mv -v /tmp/b /tmp/c 2>&1; ls /tmp
