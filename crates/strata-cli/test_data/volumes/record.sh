#!/bin/bash
# Records what Docker 20.10 prints around a container that wrote into a VOLUME path: `docker diff`, the
# container's Mounts, `docker volume ls`, what `docker commit` captured, `volume rm` of a volume in use and
# `rm -v`. Writes observed.txt beside this script (sections `== NAME`; the anonymous volume's name is
# VOLUME, the container's ID CONTAINER). Read by crates/strata-cli/tests/it/volumes.rs. Needs dockerd with
# busybox:mnt (`bash /work/shared/oracle/setup.sh`).
set -eu
D="${DOCKER:-/usr/bin/docker}"
cd "$(dirname "$0")"
tmp="$(mktemp -d)"
cleanup() {
  rm -rf "$tmp"
  "$D" rm -f -v strata-vol-rec > /dev/null 2>&1 || true
  "$D" rmi -f strata-vol-rec strata-vol-rec-commit > /dev/null 2>&1 || true
}
trap cleanup EXIT
printf 'FROM busybox:mnt\nRUN mkdir -p /data && echo seed > /data/seed.txt\nVOLUME ["/data"]\nCMD ["sh"]\n' > "$tmp/Dockerfile"
DOCKER_BUILDKIT=1 "$D" build -q -t strata-vol-rec "$tmp" > /dev/null
"$D" run --name strata-vol-rec strata-vol-rec sh -c 'echo hi > /data/run.txt; echo x > /top.txt'
vol="$("$D" inspect -f '{{range .Mounts}}{{.Name}}{{end}}' strata-vol-rec)"
id="$("$D" inspect -f '{{.Id}}' strata-vol-rec)"
norm() { sed -e "s/$vol/VOLUME/g" -e "s/$id/CONTAINER/g"; }
{
  echo "== diff"
  "$D" diff strata-vol-rec
  echo "== mounts"
  "$D" inspect -f '{{json .Mounts}}' strata-vol-rec | norm
  echo "== volume ls"
  "$D" volume ls --filter "name=$vol" | norm
  echo "== committed ls"
  "$D" commit strata-vol-rec strata-vol-rec-commit > /dev/null
  "$D" run --rm strata-vol-rec-commit ls /data /top.txt 2>&1
  echo "== volume rm in use"
  "$D" volume rm "$vol" 2>&1 | norm || true
  echo "== rm -v leaves volumes"
  "$D" rm -v strata-vol-rec > /dev/null
  "$D" volume ls -q --filter "name=$vol" | wc -l
} > observed.txt
