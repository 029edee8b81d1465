cut -d: -f1 /data/colon.txt
cut -d: -f1,3 /data/colon.txt
cut -c1-3 /data/words.txt
echo 'hello world' | tr 'a-z' 'A-Z'
echo 'hello' | tr -d 'l'
echo 'aabbcc' | tr -s 'ab'
echo 'a b c' | tr ' ' '\n'
printf 'a\0b\n' | tr '\0' ' '
echo 'Hello' | tr '[:lower:]' '[:upper:]'
