touch /tmp/f
mkdir -p /tmp/f/sub; echo rc=$?
mkdir -p /tmp/f; echo rc=$?
mkdir /tmp; echo rc=$?
