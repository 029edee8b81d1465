cd /data
echo *.txt
echo s*
echo nomatch*
echo '*.txt'
echo /data/sub/*
echo [a-f]*
echo ?ords.txt
