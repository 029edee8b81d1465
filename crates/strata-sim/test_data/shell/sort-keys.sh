printf 'x 3\ny 1\nz 2\n' | sort -k2
printf 'b,2\na,1\n' | sort -t, -k2 -n
printf 'B\na\nC\n' | sort -f
printf 'a\nb\na\n' | sort | uniq
printf 'a\nb\na\n' | sort -r | uniq -u
