cat /data/sub/hello.txt /nope /data/nonl.txt; echo
echo rc=$?
cat -n /data/words.txt
