a=1 b=$a; echo $b
x=5 env | grep '^x='
echo "[$x]"
export -p | grep ' HOME='
