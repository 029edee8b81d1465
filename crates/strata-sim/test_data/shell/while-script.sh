cat > /while.sh <<'EOF'
#!/bin/sh
i=1
while [ $i -le 3 ]; do
  echo "sanchuang $i"
  i=$((i+1))
done
EOF
/while.sh; echo "rc=$?"
chmod +x /while.sh
/while.sh arg1; echo "rc=$?"
sh /while.sh
