printf 'b\na\nB\nA\n' | sort
printf '2\n10\n1\n' | sort -rn
printf 'x:3\ny:1\n' | sort -t: -k2
printf 'a b\na a\n' | sort -k2,2
