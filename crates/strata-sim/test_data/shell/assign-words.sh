a=1 b=2; echo $a$b
x="two words"; y=$x; echo "$y"
z=*; echo "$z"
w=~; echo $w
echo ~ ~/x ~root
