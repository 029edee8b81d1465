#!/bin/sh
set -e
stamp=$(date +%Y%m%d)
curl -fsS "$SOURCE_URL" | gzip > "dump-$stamp.gz"
echo "wrote dump-$stamp.gz"
