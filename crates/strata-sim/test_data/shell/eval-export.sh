cmd='echo evaluated'
eval $cmd
eval 'x=5'; echo $x
export E=exported
sh -c 'echo $E'
N=notexp
sh -c 'echo [$N]'
T=temp sh -c 'echo $T'
echo [$T]
