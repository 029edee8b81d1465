touch /tmp/f
chmod 755 /tmp/f; ls -l /tmp/f
chmod u-x,g-rx /tmp/f; ls -l /tmp/f
chmod a+w /tmp/f; ls -l /tmp/f
chmod +x /tmp/f; ls -l /tmp/f
chmod o= /tmp/f; ls -l /tmp/f
chmod 4755 /tmp/f; ls -l /tmp/f
chmod 600 /nope; echo rc=$?
