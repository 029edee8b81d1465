ls /nope 2>&1 | head -1
ls /nope /data/words.txt 2>&1 | sort
{ echo out; echo err >&2; } 2>&1 | cat
