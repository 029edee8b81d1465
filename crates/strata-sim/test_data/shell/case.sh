for w in apple banana cherry x.txt Z; do
  case $w in
    a*) echo "$w starts with a";;
    b*|c*) echo "$w b or c";;
    *.txt) echo text;;
    [A-Z]) echo upper;;
    *) echo other;;
  esac
done
case foo in f?o) echo q;; esac
