date -u -d @0
date -u -d @0 +%Y-%m-%d
date -u -d @1000000000 '+%H:%M:%S %j %a %b'
date -d @86400 +%s
