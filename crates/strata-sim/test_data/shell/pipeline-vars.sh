echo hi | read v; echo "[$v]"
count=0; printf 'a\nb\n' | while read l; do count=$((count+1)); done; echo $count
