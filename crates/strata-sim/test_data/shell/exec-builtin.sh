exec 3>/tmp/fd3
echo via3 >&3
cat /tmp/fd3
(exec echo replaced; echo never)
echo after
