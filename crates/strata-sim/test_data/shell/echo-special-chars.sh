echo 'a|b;c&d'
echo "<>" '()' '{}'
echo a\;b
echo '$HOME' "\$HOME" \$HOME
