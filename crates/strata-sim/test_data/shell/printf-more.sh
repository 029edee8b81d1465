printf '%s\n'
printf '%3d|%-3d|%03d\n' -5 -5 -5
printf '%o %X %#x\n' 8 255 255
printf '[%*s]\n' 5 ab
printf '%.3s\n' abcdef
printf '%i\n' 0x1f
printf "%d\n" "'A"
