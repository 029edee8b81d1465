awk 'BEGIN{printf "%5s|%-5s|%05d|%x|%c|%.3f|%e\n", "ab", "cd", 42, 255, 65, 3.14159, 12345.678}'
awk 'BEGIN{print 1/3, 100000*100000, 0.1+0.2, 1e6, 123456789}'
awk 'BEGIN{x="3x"; print x+1, "10" < "9", 10 < 9}'
