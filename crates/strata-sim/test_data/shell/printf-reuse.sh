printf '%s %s\n' a b c
printf '%d%%\n' 50
printf 'x=%s\n'
printf '%c%c\n' hello world
