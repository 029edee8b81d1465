#!/bin/bash
# tests/fidelity/record.sh [CASE ...]
#
# (Re)records the ground truth of fidelity cases with real Docker 20.10 BuildKit through
# /work/shared/oracle/oracle.sh, then prunes and normalizes the output into CASE/expected/.
# CASE is a case directory name (e.g. 07-cmd-exec) or a path to it; without arguments every case
# under tests/fidelity/cases/ is recorded. Needs dockerd: run `bash /work/shared/oracle/setup.sh` first.
# The format of a case and of expected/ is specified in tests/fidelity/README.md.
#
# Environment: ORACLE (path of oracle.sh, default /work/shared/oracle/oracle.sh).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORACLE="${ORACLE:-/work/shared/oracle/oracle.sh}"
MTIME=1700000000            # every context file and directory gets this mtime (2023-11-14T22:13:20Z)
BASE_LISTING="$HERE/base/busybox-mnt.txt"
PY=/usr/bin/python3

cases=()
if [ $# -eq 0 ]; then
  for d in "$HERE"/cases/*/; do cases+=("${d%/}"); done
else
  for a in "$@"; do
    if [ -d "$a" ]; then cases+=("$(cd "$a" && pwd)"); else cases+=("$HERE/cases/${a%/}"); fi
  done
fi

fail=0
for c in "${cases[@]}"; do
  name="$(basename "$c")"
  [ -f "$c/Dockerfile" ] || { echo "record: $name: no Dockerfile" >&2; fail=1; continue; }
  tmp="$(mktemp -d /tmp/fidelity-rec.XXXXXX)"
  # --- the build context: copy, decode *.b64, normalize modes, apply `modes`, fix mtimes
  mkdir "$tmp/ctx"
  [ -d "$c/context" ] && cp -a "$c/context/." "$tmp/ctx/"
  while IFS= read -r -d '' f; do base64 -d < "$f" > "${f%.b64}" && rm -f "$f"; done \
    < <(find "$tmp/ctx" -type f -name '*.b64' -print0)
  find "$tmp/ctx" -mindepth 1 -type d -exec chmod 0755 {} +
  find "$tmp/ctx" -type f -exec chmod 0644 {} +
  chmod 0755 "$tmp/ctx"
  if [ -f "$c/modes" ]; then
    while read -r mode path; do
      case "$mode" in ''|'#'*) continue ;; esac
      chmod "$mode" "$tmp/ctx/$path" || { echo "record: $name: modes: cannot chmod $path" >&2; fail=1; }
    done < "$c/modes"
  fi
  find "$tmp/ctx" -exec touch -h -d "@$MTIME" {} +
  cp "$c/Dockerfile" "$tmp/Dockerfile"
  # a Dockerfile-specific ignore file lives beside the Dockerfile (outside the context)
  [ -f "$c/Dockerfile.dockerignore" ] && cp "$c/Dockerfile.dockerignore" "$tmp/Dockerfile.dockerignore"
  # --- build options: build-args (K=V per line) and target (one stage name)
  opts=()
  if [ -f "$c/build-args" ]; then
    while IFS= read -r l; do case "$l" in ''|'#'*) continue ;; esac; opts+=(--build-arg "$l"); done < "$c/build-args"
  fi
  if [ -f "$c/target" ]; then t="$(head -1 "$c/target")"; [ -n "$t" ] && opts+=(--target "$t"); fi
  bopts="$("$PY" -c 'import shlex,sys; print(" ".join(shlex.quote(a) for a in sys.argv[1:]))' "${opts[@]}")"
  # --- run lines: one RUNSET per line; `-` = no arguments; blank lines and `#` lines ignored
  runs=()
  if [ -f "$c/runs" ]; then
    while IFS= read -r l; do
      case "$l" in '#'*) continue ;; esac
      [ -z "${l//[[:space:]]/}" ] && continue
      if [ "$l" = "-" ]; then runs+=(""); else runs+=("$l"); fi
    done < "$c/runs"
  fi
  tag="fidelity-rec-$$:latest"
  echo "== $name"
  ORACLE_BUILDER=docker-buildkit ORACLE_TAG="$tag" ORACLE_BUILD_OPTS="$bopts" \
    bash "$ORACLE" "$tmp/Dockerfile" "$tmp/ctx" "$tmp/out" "${runs[@]}"
  orc=$?
  if [ ! -f "$tmp/out/build.rc" ]; then echo "record: $name: oracle wrote nothing (rc=$orc)" >&2; fail=1; rm -rf "$tmp"; continue; fi
  # --- prune and normalize into expected/
  out="$tmp/out"; exp="$c/expected"
  rm -rf "$exp"; mkdir -p "$exp"
  brc="$(cat "$out/build.rc")"
  cp "$out/build.rc" "$exp/build.rc"
  if [ "$brc" != 0 ]; then
    # failing build: the error is the expectation. build.log with the volatile parts removed
    # (step timings, vertex digests, transfer sizes, the temp paths), build.error = its last non-empty line.
    sed -E -e 's#/tmp/fidelity-rec\.[A-Za-z0-9]+#CASE#g' \
           -e 's/^(#[0-9]+) [0-9]+\.[0-9]+ /\1 /' \
           -e 's/^(#[0-9]+) sha256:[0-9a-f]{64}$/\1 sha256:<vertex>/' \
           -e 's/ (DONE|CACHED|ERROR) [0-9]+\.[0-9]+s$/ \1/' \
           -e 's/^(#[0-9]+ transferring [a-z]+: )[0-9.]+k?B.*$/\1<size>/' \
           -e 's/^(#[0-9]+ .*)[0-9]+\.[0-9]+s( done)?$/\1<t>\2/' \
           "$out/build.log" > "$exp/build.log"
    # BuildKit prints the error as the last line of its output
    grep -v '^[[:space:]]*$' "$out/build.log" | tail -n 1 \
      | sed -E 's#/tmp/fidelity-rec\.[A-Za-z0-9]+#CASE#g' > "$exp/build.error"
  else
    for f in config.json history.json; do cp "$out/$f" "$exp/$f"; done
    "$PY" - "$out/history.native.json" "$exp/history.native.json" <<'PYEOF'
import json, sys
h = json.load(open(sys.argv[1]))
for e in h:
    e.pop("CreatedAt", None); e.pop("CreatedSince", None)
    if e.get("ID") not in (None, "<missing>"): e["ID"] = "<image-id>"
json.dump(h, open(sys.argv[2], "w"), indent=2); open(sys.argv[2], "a").write("\n")
PYEOF
    mkdir -p "$exp/layers"
    for l in "$out"/layers/[0-9]*.txt; do
      case "$l" in *.tvf.txt) continue ;; esac
      n="$(basename "$l")"
      if [ "$n" = 0.txt ] && cmp -s "$l" "$BASE_LISTING"; then continue; fi
      cp "$l" "$exp/layers/$n"
    done
    for r in "$out"/run-*.txt; do
      [ -f "$r" ] || continue
      # container name and tag made stable; the docker client's racy, timestamped
      # `time="…" level=error msg="error waiting for container: context canceled"` line is dropped
      sed -E -e "s/oracle-run-[0-9]+-([0-9]+)/oracle-run-\\1/g" -e "s/${tag//:/\\:}/IMAGE/g" \
             -e '/^time="[^"]*" level=error msg="error waiting for container: context canceled"$/d' \
             "$r" | "$PY" -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().replace(b"\0", b"^@"))' \
             > "$exp/$(basename "$r")"   # NUL bytes in the raw stdout/stderr sections shown as ^@ (text files only)
    done
  fi
  rm -rf "$tmp"
  /usr/bin/docker rmi "$tag" > /dev/null 2>&1
done
exit $fail
