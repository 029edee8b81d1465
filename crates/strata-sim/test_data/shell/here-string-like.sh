cat <<EOF
\$HOME is $HOME
\`literal\`
back\\slash
EOF
