a=apple; b=banana
[ "$a" \< "$b" ] && echo less
[ "$a" != "$b" ] && echo ne
[ -z "" ] && echo empty
[ -n "$a" ] && echo nonempty
[ "$a" ] && echo bare
[ 010 -eq 10 ] && echo numeq
