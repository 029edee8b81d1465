echo ok
for x in; do echo $x; done
echo loop-done
case x in
esac
echo case-done
( echo sub
