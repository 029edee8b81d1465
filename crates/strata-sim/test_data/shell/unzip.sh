cd /tmp
echo 'UEsDBBQAAAAAAKqxblcAAAAAAAAAAAAAAAAEAAAAZGlyL1BLAwQUAAAACACqsW5XvJ6dLhEAAADwAAAADQAAAGRpci9oZWxsby50eHTLSM3JyVcozy/KSeHKGAFsAFBLAwQUAAAAAACDGCJQ4pxTpQcAAAAHAAAACgAAAHN0b3JlZC50eHRzdG9yZWQKUEsDBBQAAAAAAIMYIlC7zmASCQAAAAkAAAAIAAAAZGlyL2xpbmtoZWxsby50eHRQSwECFAMUAAAAAACqsW5XAAAAAAAAAAAAAAAABAAAAAAAAAAAABAA7UEAAAAAZGlyL1BLAQIUAxQAAAAIAKqxble8np0uEQAAAPAAAAANAAAAAAAAAAAAAACkgSIAAABkaXIvaGVsbG8udHh0UEsBAhQDFAAAAAAAgxgiUOKcU6UHAAAABwAAAAoAAAAAAAAAAAAAAO2BXgAAAHN0b3JlZC50eHRQSwECFAMUAAAAAACDGCJQu85gEgkAAAAJAAAACAAAAAAAAAAAAAAA/6GNAAAAZGlyL2xpbmtQSwUGAAAAAAQABADbAAAAvAAAAAAA' | base64 -d > a.zip
echo 'UEsDBBQAAAAIAAU5plIfCOpGBAAAAAIAAAAIAAAAb25seS50eHSr4AIAUEsBAhQDFAAAAAgABTmmUh8I6kYEAAAAAgAAAAgAAAAAAAAAAAAAAICBAAAAAG9ubHkudHh0UEsFBgAAAAABAAEANgAAACoAAAAAAA==' | base64 -d > one.zip
unzip a.zip; echo "rc=$?"
ls -l stored.txt dir/hello.txt | cut -c1-10; readlink dir/link; wc -c < dir/hello.txt
unzip a.zip < /dev/null; echo "rc=$?"
echo n | unzip a.zip; echo "rc=$?"
printf 'y\nA\n' | unzip a.zip; echo "rc=$?"
unzip -o a.zip; unzip -n a.zip
unzip -l a.zip; unzip -lq one.zip; unzip -l a.zip stored.txt
unzip -p a.zip stored.txt; unzip -p a.zip 'dir/*' | wc -c
unzip -q -o a.zip -d out; find out | sort; ls -l out/dir/hello.txt | cut -c1-10
unzip -o a.zip -x stored.txt dir/link
unzip -oj a.zip -d j; ls j
unzip one; echo "rc=$?"; ls -l only.txt | cut -c1-10
unzip nope.zip; echo "rc=$?"
echo notzip > bad.zip; unzip bad.zip; echo "rc=$?"
head -c 40 a.zip > trunc.zip; unzip trunc.zip; echo "rc=$?"
printf 'this is not a zip file at all, honestly' > bad2.zip; unzip bad2.zip; echo "rc=$?"
unzip -t a.zip; echo "rc=$?"
unzip; echo "rc=$?"
