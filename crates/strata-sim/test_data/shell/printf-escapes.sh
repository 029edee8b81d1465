printf 'a\tb\n'
printf '\101\n'
printf '%s\n' '\n not escaped'
printf '%b\n' 'escaped\there'
printf '%5.2s|\n' abcdef
printf '%-4d|%4d|\n' 7 7
printf '%+d %e\n' 5 1234.5
