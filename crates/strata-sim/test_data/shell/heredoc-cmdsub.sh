cat <<EOF
now: $(echo inner)
sum: $((2+3))
EOF
cat <<EOF | tr a-z A-Z
lower $(echo case)
EOF
