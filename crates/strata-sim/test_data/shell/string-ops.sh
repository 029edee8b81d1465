s=abcdef
echo ${#s} ${s#ab} ${s%ef}
p=/usr/local/bin/tool
echo ${p##*/} ${p%/*}
v=file.tar.gz; echo ${v%%.*} ${v#*.}
q='a*b'; echo ${q#a\*}
