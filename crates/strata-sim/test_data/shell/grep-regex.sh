printf 'a1\nb22\nc333\n' > /tmp/g
grep '[0-9]\{2\}' /tmp/g
grep -E '[0-9]{3}' /tmp/g
grep 'a\|b' /tmp/g
grep -E '^(a|c)' /tmp/g
grep '2*' /tmp/g | wc -l
grep -o '[0-9]*' /tmp/g
grep -i 'B2' /tmp/g
