seq 3
seq 2 4
seq 1 2 7
seq -s , 1 5
seq 5 -1 3
seq -w 8 10
