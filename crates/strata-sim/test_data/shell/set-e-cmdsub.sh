set -e
y=$(false)
echo never
