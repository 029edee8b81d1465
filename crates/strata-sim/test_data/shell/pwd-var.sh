cd /data/sub
echo $PWD
cd ..
echo $PWD $OLDPWD
cd /
pwd
