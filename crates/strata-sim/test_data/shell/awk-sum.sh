awk '{s += $2} END {print s, s/NR}' /data/pairs.txt
printf '1\n2\n3\n' | awk '{t+=$1} END{printf "%d items, total %.2f\n", NR, t}'
awk 'BEGIN{x=7; y=2; print x/y, x%y, -x, int(x/y)}'
