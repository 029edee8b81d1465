seq 0
seq 1 0
seq 3 1
seq -s ' ' 3
seq 1.5 0.5 3
