cd /data/words.txt; echo rc=$?
cd /data/nope/x; echo rc=$?
