cd /data
tar -cf /tmp/a.tar sub words.txt
tar -tf /tmp/a.tar | sort
mkdir /tmp/x && tar -xf /tmp/a.tar -C /tmp/x
ls -lR /tmp/x | sed 's/^total.*//'
cat /tmp/x/sub/deep/file.txt
tar -czf /tmp/a.tgz -C /data sub
mkdir /tmp/y && cd /tmp/y && tar xzf /tmp/a.tgz && find . | sort
tar -cvf /tmp/c.tar colon.txt 2>&1 >/dev/null
cd /data && tar -cvf /tmp/b.tar colon.txt sub/deep 2>&1 >/dev/null
tar -xvf /tmp/b.tar -C /tmp 2>&1
tar -tf /nope.tar; echo rc=$?
