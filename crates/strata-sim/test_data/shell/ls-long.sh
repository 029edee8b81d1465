cd /data
ls -l
ls -ln words.txt
ls -ld sub
ls /data/nope; echo rc=$?
