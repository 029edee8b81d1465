basename /a/b/c.txt
basename /a/b/c.txt .txt
basename /a/b/
dirname /a/b/c.txt
dirname c.txt
dirname /
basename /
