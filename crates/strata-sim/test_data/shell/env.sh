env -i A=1 B=2 env
env -i PATH=/bin X=y sh -c 'echo $X'
export K=v
env | grep '^K='
env -u K sh -c 'echo [$K]'
env -i /bin/sh -c 'echo [$HOME]'
