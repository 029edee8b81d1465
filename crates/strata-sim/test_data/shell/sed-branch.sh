sed ':a;N;$!ba;s/\n/ /g' /data/words.txt
printf 'a\nb\nc\n' | sed -n '$!{h;d};x;G;p'
printf 'x1\ny2\n' | sed 's/x/X/;t done;s/$/ (no x)/;:done'
printf 'one\ntwo\nthree\n' | sed 'N;P;D'
printf 'a b\n' | sed -e ':l' -e 's/ /_/' -e 'tl'
