echo hi > /x # comment
cat /x
echo a#b # real comment
echo '#not'
