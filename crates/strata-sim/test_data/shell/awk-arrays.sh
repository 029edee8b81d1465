awk '{c[$1]++} END {for (k in c) print k, c[k]}' /data/pairs.txt | sort
awk 'BEGIN{a["x"]=1; if ("x" in a) print "yes"; delete a["x"]; if (!("x" in a)) print "gone"}'
