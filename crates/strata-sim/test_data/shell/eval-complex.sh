for v in A B; do eval "$v=value_$v"; done
echo $A $B
eval echo '$A'
x='echo a; echo b'
eval "$x"
