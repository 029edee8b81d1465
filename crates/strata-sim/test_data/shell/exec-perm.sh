printf '#!/bin/sh\necho script ran $1\n' > /tmp/s.sh
/tmp/s.sh; echo rc=$?
chmod +x /tmp/s.sh; /tmp/s.sh arg
/tmp; echo rc=$?
printf 'echo no shebang\n' > /tmp/ns.sh; chmod +x /tmp/ns.sh; /tmp/ns.sh
. /tmp/s.sh sourced
