#!/bin/sh
# Greets a few times, numbering each line.
i=1
while [ "$i" -le 5 ]
do
    echo "hello world $i"
    i=$((i + 1))
    sleep 1
done
