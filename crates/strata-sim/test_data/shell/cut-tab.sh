printf 'a\tb\tc\n' | cut -f2
printf 'a\tb\tc\n' | cut -f1,3
printf 'abc\n' | cut -b2
