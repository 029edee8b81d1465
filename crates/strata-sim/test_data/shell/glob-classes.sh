cd /data && echo [[:lower:]]*.txt
echo /data/*/
echo /data/sub/*/*
echo /da*/w*
