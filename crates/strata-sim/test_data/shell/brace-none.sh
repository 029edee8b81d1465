mkdir /sanchuang
touch /sanchuang/f{1..10}.txt
ls -la /sanchuang
echo f{1..3}
rm -rf /sanchuang/f1.txt
ls /sanchuang
