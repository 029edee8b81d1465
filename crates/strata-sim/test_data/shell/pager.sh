printf 'a\nb\n' > /tmp/m.txt
more /tmp/m.txt; echo "rc=$?"
less -N /tmp/m.txt; echo "rc=$?"
echo piped | more
echo piped | less
more /tmp/m.txt nope /tmp/m.txt; echo "rc=$?"
less nope; echo "rc=$?"
more -x /tmp/m.txt; echo "rc=$?"
