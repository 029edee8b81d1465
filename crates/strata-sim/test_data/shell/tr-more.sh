echo hello | tr -d 'a-z'; echo
echo 'a-b' | tr '-' '_'
echo abc | tr abc xyz
echo 'hello world' | tr -s ' o' 
echo 'x1y2' | tr -cd '0-9'; echo
