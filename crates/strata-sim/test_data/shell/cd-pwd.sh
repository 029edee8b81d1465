cd /data/sub && pwd
cd deep; pwd
cd ..; pwd
cd /nope; echo rc=$?
cd; pwd
cd - >/dev/null; pwd
