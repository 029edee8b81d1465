cd /tmp
printf 'a\r\nb\r\n' > crlf; printf 'a\nb\n' > lf
dos2unix crlf; od -c crlf
unix2dos lf; od -c lf
printf 'x\r\n' | dos2unix | od -c
printf 'x\n' | unix2dos | od -c
printf 'x\r\n' | dos2unix -d | od -c
printf 'x\r\n' | unix2dos -u | od -c
printf 'a\r\r\nb\rc' | dos2unix | od -c
dos2unix nope; echo "rc=$?"
chmod 0751 crlf; unix2dos crlf; ls -l crlf | cut -c1-10
