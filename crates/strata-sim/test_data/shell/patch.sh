cd /tmp
mkdir -p w/sub
printf 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n' > w/f.txt
cat > fix.patch <<'P'
diff -ruN a/f.txt b/f.txt
--- a/f.txt	2026-12-06 04:29:51.141849864 +0000
+++ b/f.txt	2026-12-06 04:29:51.147466822 +0000
@@ -1,10 +1,10 @@
 one
 two
-three
+THREE
 four
 five
 six
 seven
 eight
-nine
+NINE
 ten
diff -ruN a/sub/new.txt b/sub/new.txt
--- a/sub/new.txt	1970-01-01 00:00:00.000000000 +0000
+++ b/sub/new.txt	2026-12-06 04:29:51.147466822 +0000
@@ -0,0 +1,2 @@
+new file
+second
P
cd w
patch -p1 < ../fix.patch; echo "rc=$?"; cat f.txt sub/new.txt
patch -p1 < ../fix.patch; echo "rc=$?"
patch -p1 -N -i ../fix.patch; echo "rc=$?"
cd /tmp && mkdir w2 && printf 'zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n' > w2/f.txt
cd w2 && patch < ../fix.patch; echo "rc=$?"; head -n 4 f.txt; cat new.txt
printf 'x\none\ntwo\nthree\n' > g.txt
printf -- '--- g.txt\n+++ g.txt\n@@ -2,2 +2,2 @@\n one\n-TWO\n+2\n' | patch; echo "rc=$?"
printf -- '--- g.txt\n+++ g.txt\n@@ -2,2 +2,2 @@\n one\n-two\n+2\n' | patch --dry-run; echo "rc=$?"; cat g.txt
printf -- '--- g.txt\n+++ /dev/null\n@@ -1,4 +0,0 @@\n-x\n-one\n-two\n-three\n' | patch; echo "rc=$?"; wc -c < g.txt
printf 'a\n' > h.txt; printf -- '--- h.txt\n+++ h.txt\n@@ -1 +0,0 @@\n-a\n' | patch -E; echo "rc=$?"; ls h.txt
patch -p1 -i nope.patch; echo "rc=$?"
printf -- '--- q.txt\n+++ q.txt\n@@ -1 +1 @@\n-a\n+b\n' | patch; echo "rc=$?"
cd /tmp/w && patch -R -p1 -i ../fix.patch; echo "rc=$?"; cat f.txt; ls sub
