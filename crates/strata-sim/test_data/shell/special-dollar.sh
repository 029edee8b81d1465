echo $$ | grep -c .
echo "$-"
set -e; echo "$-"
echo $#
