grep -n '' /data/colon.txt
grep -c '' /data/words.txt
grep -x alpha /data/words.txt
grep -h a /data/colon.txt /data/sub/hello.txt
grep -l alpha /data/words.txt /data/colon.txt
grep -L alpha /data/words.txt /data/colon.txt
grep -m 1 a /data/words.txt
