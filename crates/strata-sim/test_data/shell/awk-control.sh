awk 'BEGIN{for(i=1;i<=3;i++) printf "%d ", i; print ""; i=0; while(i<2){print "w" i; i++}; do {print "d"} while(0)}'
awk 'NR>2{exit} {print}' /data/words.txt
awk '{if ($2 > 5) print $1" big"; else print $1" small"}' /data/pairs.txt
awk 'function sq(x){return x*x} BEGIN{print sq(4)}'
awk 'NR==1{next} {print}' /data/colon.txt
