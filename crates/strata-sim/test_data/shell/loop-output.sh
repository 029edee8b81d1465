for i in 1 2 3; do echo line$i; done > /tmp/loop.txt
cat /tmp/loop.txt
while read l; do echo "got $l"; done < /tmp/loop.txt
i=0; while [ $i -lt 2 ]; do i=$((i+1)); echo $i; done | tail -1
