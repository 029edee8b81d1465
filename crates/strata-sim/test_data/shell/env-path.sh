env -i sh -c 'echo $PATH'
env -i PATH=/nowhere sh -c 'ls /' 2>&1; echo rc=$?
