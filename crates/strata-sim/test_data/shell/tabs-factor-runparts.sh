printf 'a\tb\tc\n\tindent\n  \tmixed\tx\n12345678\ty\n' > /tmp/t
expand /tmp/t | od -c | head -n 8
expand -t 4 /tmp/t
expand -i /tmp/t
printf '        eight\n    four  two  gaps\nword        spaced    here\n                sixteen\n' > /tmp/s
unexpand /tmp/s | od -c
unexpand -a /tmp/s | od -c
unexpand -t 4 /tmp/s | od -c
expand nope; echo "rc=$?"
factor 0 1 2 12 97 1000000007 600851475143 18446744073709551615
echo 360 17 | factor
factor abc; echo "rc=$?"
factor -- 5; echo "rc=$?"
mkdir -p /tmp/rp
printf '#!/bin/sh\necho "10-first $*"\n' > /tmp/rp/10-first
printf '#!/bin/sh\necho "20-second $*"; exit 3\n' > /tmp/rp/20-second
printf '#!/bin/sh\necho never\n' > /tmp/rp/30.bad
printf '#!/bin/sh\necho noexec\n' > /tmp/rp/40-noexec
printf '#!/bin/sh\necho "50_last"\n' > /tmp/rp/50_last
chmod +x /tmp/rp/10-first /tmp/rp/20-second /tmp/rp/30.bad /tmp/rp/50_last
mkdir /tmp/rp/60-dir
run-parts /tmp/rp; echo "rc=$?"
run-parts --test /tmp/rp; echo "rc=$?"
run-parts --reverse -a x -a y /tmp/rp; echo "rc=$?"
run-parts --exit-on-error /tmp/rp; echo "rc=$?"
run-parts /tmp/nope; echo "rc=$?"
run-parts; echo "rc=$?"
