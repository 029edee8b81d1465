echo $(echo $(echo deep))
echo "$(echo "$(echo 'q d')")"
v=$(cat /data/sub/hello.txt); echo $v
echo `echo \`echo bt\``
