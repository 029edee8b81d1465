cat > /tmp/app.conf <<EOF
server {
  listen 80;
  root "/var/www";
}
EOF
cat /tmp/app.conf
wc -l < /tmp/app.conf
