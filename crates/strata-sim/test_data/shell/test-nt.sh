touch -d @100 /tmp/old; touch -d @200 /tmp/new
[ /tmp/new -nt /tmp/old ] && echo newer
[ /tmp/old -ot /tmp/new ] && echo older
[ /tmp/new -nt /nope ] && echo vs-missing
