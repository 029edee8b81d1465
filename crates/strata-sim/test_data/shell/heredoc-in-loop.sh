for n in 1 2; do
  cat <<EOF
item $n
EOF
done
while read l; do echo "<$l>"; done <<EOF
x
y
EOF
