for f in /etc/*; do echo "file: $f"; done
for f in /nomatch/*; do echo "got $f"; done
