seq 20 | head -n 3
seq 20 | tail -n 2
seq 5 | tail -n +3
seq 5 | head -n -2
seq 3 | tail -c 4
