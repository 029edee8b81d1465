for f in a.c b.h Makefile .hidden 123; do
  case $f in
    *.[ch]) echo "$f: source";;
    [Mm]akefile) echo "$f: make";;
    .*) echo "$f: hidden";;
    [0-9]*) echo "$f: number";;
  esac
done
case 'a*b' in 'a*b') echo literal;; esac
case axb in "a*b") echo no;; a*b) echo glob;; esac
