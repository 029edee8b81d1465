mkdir /tmp/l && cd /tmp/l && touch f && mkdir d && ln -s f s && printf '#!/bin/sh\n' > x && chmod +x x && mkfifo p
ls -F
ls -p
ls -1a
ls -l s
ls s d
