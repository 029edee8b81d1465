touch /tmp/o
chown nobody:nogroup /tmp/o; ls -l /tmp/o
chown 1234:5678 /tmp/o; ls -ln /tmp/o
chown root /tmp/o; ls -ln /tmp/o
chgrp wheel /tmp/o; ls -l /tmp/o
chown bob /tmp/o; echo rc=$?
chown -R daemon:daemon /data/sub; ls -l /data/sub
