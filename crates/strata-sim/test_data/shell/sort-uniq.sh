sort /data/pairs.txt
sort -r /data/words.txt
sort -n -k2 /data/pairs.txt
sort -u /data/pairs.txt
sort /data/pairs.txt | uniq -c
sort /data/pairs.txt | uniq -d
printf '10\n9\n100\n' | sort -n
printf '10\n9\n100\n' | sort
