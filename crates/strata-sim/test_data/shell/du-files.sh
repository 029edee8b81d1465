du /data/words.txt /data/empty.txt
du -c /data/words.txt /data/colon.txt
du -sk /data/sub
