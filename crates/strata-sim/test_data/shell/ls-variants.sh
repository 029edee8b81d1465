cd /data
ls
ls -1 sub
ls -a sub
ls -R sub
ls -d sub /data/words.txt
ls sub words.txt
ls -F
