x=
: ${x:=filled}
echo $x
: ${y=set}
echo $y
unset z
echo ${z:-a} ${z-b} ${z:+c}x
