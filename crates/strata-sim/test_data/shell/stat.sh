stat -c '%n %s %a %A %U %G %u %g %F %h' /data/words.txt /data/sub /data/empty.txt
stat -c '%N' /data/link.txt
stat -c '%F %a' /data/link.txt
stat -L -c '%F' /data/link.txt
stat /nope; echo rc=$?
stat -c %s /data/nonl.txt
