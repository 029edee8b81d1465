echo data | { read -p 'prompt> ' v; echo "[$v]"; } 2>&1
printf 'a\\\nb\n' | { read v; echo "[$v]"; }
printf 'a\\\nb\n' | { read -r v; echo "[$v]"; }
