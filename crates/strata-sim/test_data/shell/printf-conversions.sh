printf '%g|%g|%g|%g|%G\n' 100000 1000000 0.0001 0.00001 1e-10
printf '%g|%.3g|%.0g|%g|%g\n' 3.14159265 2.5e-7 0.5 999999.5 -0.000123456
printf '%e|%E|%.2e|%.0e\n' 150 0.000123 -98765.4321 5
printf '%f|%.1f|%08.2f|%-8.2f|%+.3f|% f\n' 1.5 2.25 -3.14159 2.5 7 1
printf '%d|%5d|%-5d|%05d|%+d|% d|%.3d\n' 42 42 42 -42 5 5 7
printf '%x|%X|%#x|%#X|%o|%#o|%u\n' 255 255 255 255 8 8 123
printf '%s|%5s|%-5s|%.2s|%5.1s|\n' abc abc abc abc abc
printf '%*d|%-*d|%.*f\n' 6 1 6 2 2 3.14159
printf '%c%c|%5c|\n' hello world x
printf '%f %f %g\n' inf -inf nan
