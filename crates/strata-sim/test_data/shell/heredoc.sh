name=world
cat <<EOF
hello $name
  indented $((1+1))
EOF
cat <<'EOF'
raw $name
EOF
cat <<-EOF
	tabbed
	EOF
