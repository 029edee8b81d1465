echo a b c | xargs echo got
printf '1\n2\n3\n' | xargs -n 1 echo n
find /data/sub -type f | sort | xargs cat
echo x y | xargs -I{} echo '[{}]'
echo | xargs echo empty
