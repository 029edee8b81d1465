env -i A=1 B=2 env
env -i0 A=1 | od -c
env -i A=1 B=2 env -uA -0 | od -c
env -i A=1 B=2 env -u B
env - C=3 env
env -x; echo "rc=$?"
env --foo; echo "rc=$?"
env -u; echo "rc=$?"
env nosuchcmd; echo "rc=$?"
env -i A=1 -- env
env -i B=1 A=2 B=3 env
