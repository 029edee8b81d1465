basename abc.txt abc.txt
basename .txt .txt
basename /x/a.b.c .c
