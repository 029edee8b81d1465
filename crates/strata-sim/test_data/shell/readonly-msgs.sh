readonly X=1
X=2; echo rc=$?
echo still
