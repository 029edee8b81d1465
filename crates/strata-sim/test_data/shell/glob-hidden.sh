mkdir /g && cd /g && touch .hidden a b
echo *
echo .*
ls -a
