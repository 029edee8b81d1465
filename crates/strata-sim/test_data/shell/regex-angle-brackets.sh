# < and > are ordinary characters in POSIX expressions (only \< and \> are word edges)
printf '<html>\nhtml\na<b\n' | grep '<html>'
printf 'a<b\nab\nc>d\n' | grep -c '[<>]'
printf 'a<b\n' | grep -F '<'
printf '<p>x</p> <b>y</b>\n' | sed 's/<[^>]*>//g'
printf 'a>b\nab\n' | grep -E 'a>b|x<'
echo 'x <y> z' | awk '/<y>/ { print "hit" } { gsub(/[<>]/, ""); print }'
expr 'a<b' : 'a<'
expr '<tag>' : '<\(.*\)>'
