uname
uname -s
uname -m
