cp /data/words.txt /tmp/s.txt
sed -i 's/alpha/ALPHA/' /tmp/s.txt
cat /tmp/s.txt
sed -i '/gamma/d' /tmp/s.txt
cat /tmp/s.txt
sed '2,3d' /data/words.txt
sed '/beta/,/delta/d' /data/words.txt
sed '$a\
appended' /data/colon.txt
sed '1i\
inserted' /data/colon.txt
sed = /data/colon.txt
