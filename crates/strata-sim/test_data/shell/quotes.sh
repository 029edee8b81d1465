a='single $x'; b="double $a"; echo "$b"
echo 'it'\''s'
echo "a\"b" "c\$d" 'e\f'
echo "" x ""
echo a\ b
