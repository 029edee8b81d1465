a=$(echo one; echo two)
echo "$a"
echo $(echo  spaced   out )
b=`echo back`
echo $b `echo tick`
echo "$(printf 'x\n\n\n')"end
