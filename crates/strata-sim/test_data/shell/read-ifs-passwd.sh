while IFS=: read name pw uid rest; do echo "$name has uid $uid"; done < /etc/passwd
IFS= read -r line <<'EOF'
  keep  \t spaces
EOF
echo "[$line]"
read -r a b <<EOF
one two three
EOF
echo "$a|$b"
