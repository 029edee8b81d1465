#!/bin/bash
set -euo pipefail
status=$(curl -fsS "$TARGET_URL" | jq -r .status)
echo "status: $status"
[ "$status" = "ok" ]
