a=5 b=3
echo $((a*b)) $((a-b)) $((a/b)) $((-a))
echo $((a > b)) $((a == 5)) $((!0)) $((~0))
echo $(( 1 << 4 )) $(( 255 & 15 )) $(( 1 | 6 ))
c=$((a++)); echo $c $a
echo $((undefined + 1))
