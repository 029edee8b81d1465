echo -n a; echo -n b; echo
echo -en 'x\ty\n'
echo -ne
echo -
