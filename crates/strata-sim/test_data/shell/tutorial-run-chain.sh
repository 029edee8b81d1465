mkdir -p /app && cd /app && echo one two > build.txt && cat build.txt
mkdir -p /data2 && echo before-volume > /data2/before.txt
echo after > /data2/after.txt; ls /data2 > /app/listing.txt
cat /app/listing.txt
