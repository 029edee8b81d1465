cd /data
set -f
echo *
set +f
echo *.txt
