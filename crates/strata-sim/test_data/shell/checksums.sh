echo hello > /tmp/a.txt
echo world > /tmp/b.txt
cd /tmp
sha512sum a.txt
md5sum a.txt b.txt
sha1sum a.txt
sha256sum a.txt b.txt > sums
sha256sum -c sums; echo "rc=$?"
echo "0000000000000000000000000000000000000000000000000000000000000000  b.txt" > bad
sha256sum -c bad; echo "rc=$?"
sha256sum -c -s bad; echo "rc=$?"
sha256sum a.txt | sha256sum -c; echo "rc=$?"
sha256sum a.txt | sha256sum -c -; echo "rc=$?"
echo garbage | sha256sum -c; echo "rc=$?"
echo garbage | sha256sum -cw; echo "rc=$?"
sha256sum -c nonexist; echo "rc=$?"
echo "$(sha256sum a.txt | cut -c1-64)  missing.txt" | sha256sum -c; echo "rc=$?"
md5sum a.txt | md5sum -c; echo "rc=$?"
sha512sum a.txt b.txt | sha512sum -c; echo "rc=$?"
sha1sum missing.txt; echo "rc=$?"
echo -n abc | sha512sum
