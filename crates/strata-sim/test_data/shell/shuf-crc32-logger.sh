printf 'hello\n' > /tmp/c.txt
crc32 /tmp/c.txt; crc32 < /tmp/c.txt; crc32 /tmp/c.txt nope; echo "rc=$?"
printf '' | crc32
logger hi; echo "rc=$?"
logger -s -t app started; echo "rc=$?"
echo from-stdin | logger -s; echo "rc=$?"
shuf -i 1-10 | sort -n | tr '\n' ' '; echo
shuf -e a b c | sort | tr '\n' ' '; echo
shuf -n 2 -i 1-5 | wc -l
shuf -n 0 -e a b | wc -l
printf 'x\ny\nz\n' | shuf | sort | tr '\n' ' '; echo
shuf -i 5-4 | wc -l; echo "rc=$?"
shuf -i 5-3; echo "rc=$?"
shuf -i 1-3 -o /tmp/out; sort /tmp/out | tr '\n' ' '; echo
shuf -z -e a b | tr '\0' '\n' | sort | tr '\n' ' '; echo
shuf nope; echo "rc=$?"
