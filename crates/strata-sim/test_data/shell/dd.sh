cd /tmp
printf 'hello world\n' > in.txt
dd if=in.txt of=out.txt; echo "rc=$?"; cat out.txt
dd if=in.txt bs=4 count=2; echo; echo "rc=$?"
dd if=in.txt bs=4 skip=1 count=1 status=none; echo
dd if=in.txt bs=1M status=noxfer
yes | head -c 3072 > zsrc; dd if=zsrc of=z bs=1k count=3; wc -c < z
printf 'abcdef' > s; dd if=in.txt of=s bs=1 seek=2 count=3 conv=notrunc; cat s; echo
dd if=in.txt of=s2 bs=1 seek=2 count=3; od -c s2
dd bs=5 conv=sync if=in.txt 2>/dev/null | od -c
dd if=nope; echo "rc=$?"
dd foo=1 2>/dev/null; echo "rc=$?"
dd if=in.txt ibs=3 obs=5 > /dev/null
dd if=zsrc of=big bs=1k count=0 seek=5; wc -c < big
dd if=in.txt bs=2 skip=3 iflag=skip_bytes count=4 iflag=count_bytes 2>/dev/null; echo
printf 'x' | dd of=in.txt oflag=append conv=notrunc 2>/dev/null; cat in.txt; echo
echo piped | dd 2>/dev/null
dd if=in.txt bs=3x2 count=1 2>/dev/null; echo
dd if=in.txt count=1 bs=2K 2>&1 | tail -n 2
dd if=in.txt bs=0; echo "rc=$?"
dd if=in.txt bs=1q; echo "rc=$?"
dd --help; echo "rc=$?"
printf 'abcde' | dd conv=swab 2>/dev/null; echo
