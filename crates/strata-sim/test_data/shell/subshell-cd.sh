(cd /data && pwd)
pwd
x=$(cd /tmp; pwd); echo $x
