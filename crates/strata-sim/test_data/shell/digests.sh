md5sum /data/words.txt
sha256sum /data/words.txt
echo -n abc | md5sum
printf '' | sha256sum
sha1sum /data/colon.txt
