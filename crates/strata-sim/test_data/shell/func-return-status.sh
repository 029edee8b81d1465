f() { return 5; }
f; echo $?
g() { false; }
g; echo $?
h() { true; return; }
h; echo $?
if f; then echo yes; else echo no; fi
