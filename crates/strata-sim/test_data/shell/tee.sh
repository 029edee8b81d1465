echo teed | tee /tmp/t1 /tmp/t2
cat /tmp/t1 /tmp/t2
echo more | tee -a /tmp/t1 > /dev/null
cat /tmp/t1
