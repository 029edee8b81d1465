printf '%s-%s\n' a b c d
printf '%5s|%-5s|%03d|%x|%o|%c\n' a b 7 255 8 word
printf 'no newline'
printf '\n%%|%b\n' 'x\ty'
printf '%d\n' abc
echo rc=$?
printf '%.2f %5.1f\n' 3.14159 2.5
