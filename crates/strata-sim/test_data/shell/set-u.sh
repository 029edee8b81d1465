set -u
echo ${unset_var:-ok}
echo $unset_var
echo notreached
