seq -w 1 10
seq 10 -3 1
