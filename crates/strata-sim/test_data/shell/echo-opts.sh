echo -n no-nl; echo
echo -e 'a\tb\nc'
echo 'a\tb'
echo -n -e 'x\n'
echo -- -n
echo -x
