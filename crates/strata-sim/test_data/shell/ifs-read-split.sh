echo 'a:b:c' | { IFS=: read x y z; echo "$z$y$x"; }
echo '  lead trail  ' | { read v; echo "[$v]"; }
echo 'one two three' | { read a rest; echo "[$rest]"; }
