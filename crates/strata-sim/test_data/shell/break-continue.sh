for i in 1 2 3 4 5; do
  [ $i -eq 2 ] && continue
  [ $i -eq 4 ] && break
  echo $i
done
for a in 1 2; do for b in x y; do [ $b = y ] && continue 2; echo $a$b; done; done
