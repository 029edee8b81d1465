trap 'echo bye' EXIT
echo working
