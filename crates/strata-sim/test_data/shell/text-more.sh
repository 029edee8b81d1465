paste /data/colon.txt /data/pairs.txt
paste -d, /data/colon.txt /data/colon.txt
paste -s -d: /data/colon.txt
seq 3 | paste - -
echo 'abcdefghij' | fold -w 4
echo 'aa bb cc dd' | fold -s -w 6
printf 'a\nb\nd\n' > /tmp/c1; printf 'b\nc\nd\n' > /tmp/c2
comm /tmp/c1 /tmp/c2
comm -12 /tmp/c1 /tmp/c2
comm -3 /tmp/c1 /tmp/c2
cp /data/words.txt /tmp/w.txt && gzip /tmp/w.txt && ls /tmp | grep w.txt
zcat /tmp/w.txt.gz | head -2
gunzip /tmp/w.txt.gz && wc -l < /tmp/w.txt && ls /tmp | grep w.txt
echo hi | gzip | gunzip
gzip -dc /data/words.txt; echo rc=$?
