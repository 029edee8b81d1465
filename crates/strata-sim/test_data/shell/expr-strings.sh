expr abc \< abd
expr 10 \< 9
expr x = y; echo rc=$?
expr 2 - 5
expr -3 \* 2
