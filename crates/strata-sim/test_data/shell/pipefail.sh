false | true; echo plain=$?
set -o pipefail
false | true; echo pipefail=$?
true | true; echo ok=$?
sh -o pipefail -c 'ls /nope 2>/dev/null | cat; echo inner=$?'
set +o pipefail
false | true; echo off=$?
sh -eo pipefail -c 'false | true; echo never'; echo rc=$?
