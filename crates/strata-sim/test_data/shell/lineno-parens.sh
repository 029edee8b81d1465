x=1; ((x=x+2)); echo $x
(( x > 2 )) && echo big
echo $LINENO
echo ${RANDOM:+rand}
let y=3*2; echo $y
