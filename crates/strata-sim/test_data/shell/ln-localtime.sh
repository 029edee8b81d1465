mkdir -p /usr/share/zoneinfo/Asia && echo tz > /usr/share/zoneinfo/Asia/Shanghai
ln -sf /usr/share/zoneinfo/Asia/Shanghai /etc/localtime
ls -l /etc/localtime
cat /etc/localtime
readlink /etc/localtime
