#!/bin/sh
set -e
until nc -z "${DB_HOST:-db}" "${DB_PORT:-5432}"; do
  echo "waiting for the database..."
  sleep 1
done
python manage.py migrate --noinput
exec "$@"
