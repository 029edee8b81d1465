mkdir -p /w/dir /w/dir2 && echo keep > /w/keep.txt && echo gone > /w/gone.txt && echo old1 > /w/dir/old1.txt
rm /w/gone.txt
rm -rf /w/dir && mkdir /w/dir && echo new > /w/dir/new.txt
rm -rf /w/dir2 && echo now-a-file > /w/dir2
echo appended >> /w/keep.txt
chmod 600 /w/keep.txt
cat /w/dir2 /w/keep.txt
ls -lR /w
