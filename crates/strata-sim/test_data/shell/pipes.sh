printf 'c\nb\na\n' | sort | head -n 2
echo hello | tr a-z A-Z
cat /data/words.txt | grep alpha | wc -l
x=1; echo x | x=2; echo $x
