set -eu
mkdir -p /app/bin /app/conf && cd /app
printf 'KEY=value\r\nOTHER=2\r\n' > conf/app.env
tr -d '\r' < conf/app.env > conf/clean.env && cut -d= -f2 conf/clean.env
sed -i -e 's/^KEY=.*/KEY=changed/' -e '/OTHER/d' conf/clean.env && cat conf/clean.env
printf '#!/bin/sh\necho run "$@"\n' > bin/run && chmod +x bin/run && ./bin/run a b
install -D -m 0750 bin/run /opt/tool/bin/run && stat -c '%a %n' /opt/tool/bin/run
ln -sf /app/bin/run /usr/bin/run-link && readlink -f /usr/bin/run-link
find /app -type f -name '*.env' | sort | xargs -n1 basename
find /app -name '*.env' -exec wc -l {} + | sort
grep -q changed conf/clean.env && echo found || echo missing
[ -x bin/run ] && echo executable
awk -F: '$3 == 0 {print $1 ":" $7}' /etc/passwd
getent passwd root | cut -d: -f6
seq 1 3 | while read -r i; do printf 'item-%02d\n' "$i"; done
echo "$(( $(seq 1 10 | wc -l) * 2 ))"
set -- "a b" c; printf '[%s]' "$@"; echo
tar -czf /tmp/app.tgz -C /app conf && tar -tzf /tmp/app.tgz | sort
mkdir /tmp/x && tar -xzf /tmp/app.tgz -C /tmp/x && ls /tmp/x/conf
sha256sum conf/clean.env > /tmp/sums && sha256sum -c /tmp/sums
env -i PATH=/bin sh -c 'echo "$PATH $HOME"'
umask 027 && touch /tmp/umasked && stat -c '%a' /tmp/umasked
printf '%s\n' b a c b | sort | uniq -c | sort -rn | head -n 1
echo 'a,b;c' | tr ',;' '\n\n' | wc -l
du -s /app/conf | cut -f1
cat <<EOT > /tmp/heredoc
home=$HOME
literal=\$HOME
EOT
cat /tmp/heredoc
x=${UNSET:-default}; y=${x#de}; echo "$x $y ${#x}"
command -v sed; type cd | head -c 16; echo
id -u; id -gn
echo done
