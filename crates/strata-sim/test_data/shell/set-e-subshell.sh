set -e
(false; echo inner) || echo caught
x=$(false; echo sub) ; echo "x=$x"
(exit 4)
echo never
