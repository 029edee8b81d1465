printf 'a\nb\nc\n' | xargs
printf 'a b\nc\n' | xargs -n 2
echo '1 2 3' | xargs -t echo 2>&1
printf '%s\0' x y | xargs -0 echo
echo "it's" | xargs echo 2>&1; echo rc=$?
