printf '' | wc
printf 'one two' | wc -w
wc -l /data/words.txt /data/colon.txt
wc /nope; echo rc=$?
