cat <<EOF | sh
echo from piped sh
x=3; echo \$x
EOF
echo 'echo second' | sh -s
