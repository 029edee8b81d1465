x=1
(x=2; echo in $x)
echo out $x
{ x=3; echo grp $x; }
echo after $x
(exit 3); echo $?
{ echo a; echo b; } > /tmp/g.txt
cat /tmp/g.txt
