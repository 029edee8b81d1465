echo 'a b c d' | cut -d' ' -f2-
echo 'a b c d' | cut -d' ' -f-2
echo 'abcdef' | cut -c2,4
echo 'no-delim' | cut -d: -f1
echo 'no-delim' | cut -s -d: -f1; echo rc=$?
