echo before
echo ${nope:?custom message}
echo after
