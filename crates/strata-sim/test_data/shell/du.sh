du -k /data/words.txt
du -s /data/sub
du /data/sub | sort
du -sh /data/words.txt
du -a /data/sub | sort
