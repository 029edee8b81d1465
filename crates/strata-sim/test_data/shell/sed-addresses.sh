seq 6 | sed -n '2,4p'
seq 6 | sed '3,$d'
seq 6 | sed -n '/2/,/4/p'
seq 6 | sed '1~2d' 2>&1; echo rc=$?
seq 3 | sed '2!d'
seq 4 | sed -n '$='
