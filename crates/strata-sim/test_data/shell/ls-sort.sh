cd /tmp && touch -d '2001-01-01' old && touch -d '2002-01-01' mid && touch new
ls -t
ls -tr
printf 12345 > big; ls -S
ls -r
