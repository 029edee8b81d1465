set -- 1 2 3 4
shift; echo $@
shift 2; echo $@
shift 5
echo notreached
