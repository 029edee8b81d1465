sh -c 'echo $0 $1 $2 $#' zero one two
sh -c 'echo "$@"' a b c
sh -c 'foo' myname
