printf 'a\na\nb\nc\nc\nc\n' | uniq -c
printf 'a\nA\n' | uniq -i
printf 'x\ny\nx\n' | uniq
