nosuch | echo piped
echo rc=$?
echo x | nosuch2
echo rc=$?
