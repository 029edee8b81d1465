#!/bin/sh
set -eu
: "${TARGET_URL:?TARGET_URL must be set}"
exec "$@"
