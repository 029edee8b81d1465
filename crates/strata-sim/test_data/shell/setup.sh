# Run (by the real shell and by the simulator) before every case: a small data set.
mkdir -p /data/sub/deep /srv
printf 'alpha\nbeta\ngamma\ndelta\nalpha beta\n' > /data/words.txt
printf 'b 2\na 10\nc 1\na 10\n' > /data/pairs.txt
printf 'root:x:0\nuser:y:1000\n' > /data/colon.txt
echo hello > /data/sub/hello.txt
echo deep > /data/sub/deep/file.txt
printf 'no newline' > /data/nonl.txt
: > /data/empty.txt
ln -s /data/words.txt /data/link.txt
chmod 0600 /data/pairs.txt
