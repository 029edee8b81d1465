echo 'Hello World' | tr '[:upper:]' '[:lower:]'
echo 'a1b2' | tr -d '[:digit:]'
echo 'a  b' | tr -s '[:space:]'
echo abc | tr a-c A-C
