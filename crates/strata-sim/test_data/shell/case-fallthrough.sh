x=3
case $x in
  1|2) echo low ;;
  3) echo three
esac
case "a b" in
  "a b") echo quoted;;
esac
case x in *) ;; esac; echo rc=$?
