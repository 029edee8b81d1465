grep -r hello /data
grep -rl deep /data
grep -F 'a.b' /data/words.txt; echo rc=$?
grep -e beta -e gamma /data/words.txt
grep -w alpha /data/words.txt
grep 'be\(ta\)' /data/words.txt
