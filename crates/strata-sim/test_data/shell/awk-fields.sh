awk '{print $1}' /data/pairs.txt
awk -F: '{print $1, $3}' /data/colon.txt
awk -F: -v OFS=- '{print $1,$2}' /data/colon.txt
echo 'a b c' | awk '{print NF, $NF, $(NF-1)}'
awk 'NR==2' /data/words.txt
awk 'END{print NR}' /data/words.txt
