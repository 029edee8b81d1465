for p in /usr/bin/ /usr/bin //x a/b/ .; do basename "$p"; dirname "$p"; done
