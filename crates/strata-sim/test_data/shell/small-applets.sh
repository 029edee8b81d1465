cd /tmp
printf 'ab\0hello world\0xyz\0longer string\n\ttabbed\001' > bin
strings bin
strings -n 3 bin
strings -f bin
strings -o bin
strings -t x bin
strings -t d -n 8 bin
printf 'only' | strings
strings nope; echo "rc=$?"
echo one > f1; link f1 f2; echo "rc=$?"; cat f2; ls -l f1 | cut -c1-12
link f1 f2; echo "rc=$?"
link f1; echo "rc=$?"
link nope f3; echo "rc=$?"
arch
nologin; echo "rc=$?"
setsid echo hi; echo "rc=$?"
setsid sh -c 'exit 3'; echo "rc=$?"
