wc /data/words.txt
wc -l /data/words.txt
wc -w < /data/words.txt
wc -c /data/nonl.txt /data/words.txt
cat /data/words.txt | wc
