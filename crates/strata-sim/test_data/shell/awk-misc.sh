awk -v n=3 'BEGIN{print n*2}'
echo 'a:b' | awk 'BEGIN{FS=":"} {print $2}'
awk '{print FILENAME": "FNR}' /data/colon.txt /data/sub/hello.txt
printf 'x y\n' | awk '{$1="Z"; print; print NF}'
awk 'BEGIN{exit 3}'; echo rc=$?
awk '{print $1}' /nope; echo rc=$?
