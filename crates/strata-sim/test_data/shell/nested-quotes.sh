x='a "b" c'
echo "$x"
echo "$(echo "inner $x")"
y="$(echo 'q')"; echo $y
echo "${x#a }"
echo '$(not)' "\$(not)"
