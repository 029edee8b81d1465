#!/bin/sh
echo '{"ok": true}' | jq .
