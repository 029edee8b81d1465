echo 'a:b:c:d:e' | cut -d: -f2-4
echo 'a:b:c:d:e' | cut -d: -f1,4-
echo 'hello' | cut -c-3
echo 'hello' | cut -c3-
