mkdir /m
mkdir /m; echo rc=$?
mkdir /a/b; echo rc=$?
mkdir -p /a/b/c && ls -R /a
mkdir -m 700 /priv; ls -ld /priv
rm /a; echo rc=$?
rm -r /a; ls /a; echo rc=$?
rm /nope; echo rc=$?
rm -f /nope; echo rc=$?
rmdir /m; rmdir /m; echo rc=$?
