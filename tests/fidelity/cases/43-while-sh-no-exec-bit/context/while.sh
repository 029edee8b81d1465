#!/bin/sh
i=1
while [ $i -le 3 ]
do
	echo "sanchuang $i"
	i=$((i+1))
done
