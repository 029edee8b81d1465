sh -c 'exit 7'; echo $?
sh -c 'false'; echo $?
(exit 300); echo $?
exit 4
echo no
