x=global
f() { local x=local; g; echo "f sees $x"; }
g() { echo "g sees $x"; x=changed; }
f
echo "after $x"
