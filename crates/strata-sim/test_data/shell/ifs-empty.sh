IFS=
v='a b c'
for w in $v; do echo "<$w>"; done
unset IFS
for w in $v; do echo "[$w]"; done
