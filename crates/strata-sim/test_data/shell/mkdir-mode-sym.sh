mkdir -m u=rwx,g=rx,o= /tmp/m1; stat -c %a /tmp/m1
mkdir -p -m 711 /tmp/m2/m3; stat -c %a /tmp/m2 /tmp/m2/m3
