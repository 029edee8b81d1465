head -c 5000 /dev/zero > /tmp/big 2>/dev/null || printf '%5000s' x > /tmp/big
ls -lh /tmp/big
ls -s /data/words.txt
du -h /tmp/big
