set -- one 'two three' four
printf '%s\n' "$@"
printf '[%s]' $*; echo
printf '%s=%d\n' a 1 b 2
