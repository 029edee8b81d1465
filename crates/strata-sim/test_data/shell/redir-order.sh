ls /nope 2>&1 >/dev/null | cat
ls /nope >/dev/null 2>&1; echo rc=$?
{ echo 1; echo 2 >&2; } 2>/dev/null
echo x 1>&2 2>/dev/null
