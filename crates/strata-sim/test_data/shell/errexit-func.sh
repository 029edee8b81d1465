set -e
g() { echo g1; false; echo g2; }
g
echo never
