sed 's/a/A/' /data/words.txt
sed 's/a/A/g' /data/words.txt
sed -n '2p' /data/words.txt
sed '1d;$d' /data/words.txt
sed -n '/beta/p' /data/words.txt
echo 'hello world' | sed 's/\(hello\) \(world\)/\2 \1/'
echo 'abc' | sed 's/b/[&]/'
sed -e 's/:/ /g' -e 's/x/X/' /data/colon.txt
echo aaa | sed 's/a/b/2'
sed -E 's/(al)(pha)/\2\1/' /data/words.txt
