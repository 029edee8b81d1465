#! /bin/bash
i=1
while:
do
	echo "hello world,sanchuang $i"
	let i++
	sleep 1

done
