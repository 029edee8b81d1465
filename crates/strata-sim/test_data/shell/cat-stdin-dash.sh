echo piped | cat - /data/sub/hello.txt
echo x | cat /data/nonl.txt -
echo
