wc -lw /data/words.txt
wc -cl /data/words.txt /data/colon.txt
wc -m /data/nonl.txt
