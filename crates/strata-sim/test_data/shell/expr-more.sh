expr index abcdef d
expr match hello 'h.*o'
expr 3 \< 10
expr 15 % 4
expr \( 2 + 3 \) \* 4
expr a \| b
expr '' \| 0; echo rc=$?
