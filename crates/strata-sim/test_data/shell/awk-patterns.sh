awk '/alpha/' /data/words.txt
awk '!/a/' /data/words.txt
awk '$2 > 1' /data/pairs.txt
awk '/beta/,/delta/ {print NR": "$0}' /data/words.txt
awk 'length($0) > 5' /data/words.txt
awk '$1 == "a" {c++} END {print c+0}' /data/pairs.txt
