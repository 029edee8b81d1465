printf 'a b c\nd e\n' > /tmp/in.txt
while read x y; do echo "x=$x y=$y"; done < /tmp/in.txt
echo 'one two' | { read a b; echo $b $a; }
read line < /data/nonl.txt; echo "rc=$? $line"
