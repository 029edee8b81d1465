#!/bin/sh
set -e
echo "starting as $(id -un)"
exec "$@"
