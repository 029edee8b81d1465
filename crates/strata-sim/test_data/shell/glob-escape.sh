cd /data
echo \*.txt
echo '*'.txt
echo "*".txt
echo w*s.txt
x='*.txt'; echo $x
echo "$x"
