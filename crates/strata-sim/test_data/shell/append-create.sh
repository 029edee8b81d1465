echo a >> /tmp/new.txt
echo b >> /tmp/new.txt
cat /tmp/new.txt
ls -l /tmp/new.txt
> /tmp/trunc.txt
ls -l /tmp/trunc.txt
