expr 1 + 2
expr 7 \* 6
expr 10 / 3
expr 5 \> 3
expr abc = abc
expr length hello
expr abcdef : 'abc'
expr abcdef : 'a\(.*\)f'
expr 0 + 0; echo rc=$?
expr substr hello 2 3
