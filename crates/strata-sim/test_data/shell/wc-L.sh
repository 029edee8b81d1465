wc -L /data/words.txt
printf 'a\nbbbb\n' | wc -L
