head -n 2 /data/words.txt
tail -n 2 /data/words.txt
tail -n +4 /data/words.txt
head -3 /data/words.txt
head -c 5 /data/words.txt; echo
tail -c 4 /data/words.txt
head -n1 /data/words.txt /data/colon.txt
