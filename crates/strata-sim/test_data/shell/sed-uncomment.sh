printf '#a=1\nb=2\n#c=3\n' > /tmp/conf
sed -i 's/^#\(.*\)/\1/' /tmp/conf
cat /tmp/conf
sed -n 's/=.*//p' /tmp/conf
sed 's/[0-9]/N/g;s/=/ -> /' /tmp/conf
