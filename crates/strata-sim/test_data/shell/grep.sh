grep alpha /data/words.txt
grep -n a /data/colon.txt
grep -c a /data/words.txt
grep -v a /data/words.txt
grep -i ALPHA /data/words.txt
grep -q beta /data/words.txt && echo found
grep zzz /data/words.txt; echo rc=$?
grep x /nope; echo rc=$?
grep -E 'al|ga' /data/words.txt
grep '^a.*a$' /data/words.txt
grep -o 'l[a-z]' /data/words.txt
