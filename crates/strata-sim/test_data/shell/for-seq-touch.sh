mkdir /sanchuang
for i in $(seq 1 10); do touch /sanchuang/f$i.txt; done
rm -rf /sanchuang/f1.txt
ls /sanchuang
