#!/usr/bin/python3
"""Record which context files Docker 20.10 BuildKit sends for each case in cases/*.txt.

A case file: a `#` description line, then sections `--- dockerignore` (the file's exact bytes), optionally
`--- dockerfile-ignore` (the Dockerfile then lives at build/Dockerfile in the context, with this text as
build/Dockerfile.dockerignore), `--- files` (context paths, `/` at the end for a directory) and
`--- expected`, which this script (re)writes: every path in the built image (`FROM scratch` + `COPY . /`,
exported with `--output type=local`), directories with a trailing `/`; or `error: <message>`.
Usage: python3 record.py [case-name ...]
"""
import os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = {"DOCKER_BUILDKIT": "1", "PATH": "/usr/bin:/bin"}


def sections(raw):
    out, cur = {}, None
    for line in raw.split(b"\n"):
        m = re.match(rb"^--- ([a-z-]+)$", line)
        if m:
            cur = m.group(1).decode()
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return {k: b"\n".join(v) for k, v in out.items()}


def record(path):
    raw = open(path, "rb").read()
    head = raw.split(b"--- expected")[0].rstrip(b"\n") + b"\n"
    sec = sections(head)
    with tempfile.TemporaryDirectory() as tmp:
        ctx, out = os.path.join(tmp, "ctx"), os.path.join(tmp, "out")
        os.makedirs(ctx)
        for p in sec["files"].decode().split("\n"):
            if not p:
                continue
            full = os.path.join(ctx, p)
            if p.endswith("/"):
                os.makedirs(full, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(p + "\n")
        ignore = sec["dockerignore"]
        if ignore.endswith(b"\n"):
            ignore = ignore[:-1] + b"\n"
        with open(os.path.join(ctx, ".dockerignore"), "wb") as f:
            f.write(ignore + (b"" if ignore.endswith(b"\n") or not ignore else b"\n"))
        if "dockerfile-ignore" in sec:
            os.makedirs(os.path.join(ctx, "build"), exist_ok=True)
            df = os.path.join(ctx, "build", "Dockerfile")
            with open(df + ".dockerignore", "wb") as f:
                f.write(sec["dockerfile-ignore"].rstrip(b"\n") + b"\n")
        else:
            df = os.path.join(tmp, "Dockerfile")
        with open(df, "w") as f:
            f.write("FROM scratch\nCOPY . /\n")
        r = subprocess.run(["/usr/bin/docker", "build", "--no-cache", "-f", df, "--output",
                            "type=local,dest=" + out, ctx], env=ENV, capture_output=True, text=True)
        if r.returncode != 0:
            err = [l for l in r.stderr.splitlines() if "error" in l.lower()]
            result = "error: " + (err[-1].strip() if err else "build failed") + "\n"
        else:
            listing = []
            for root, dirs, files in os.walk(out):
                for d in dirs:
                    listing.append(os.path.relpath(os.path.join(root, d), out) + "/")
                for f in files:
                    listing.append(os.path.relpath(os.path.join(root, f), out))
            result = "".join(p + "\n" for p in sorted(listing))
    with open(path, "wb") as f:
        f.write(head + b"--- expected\n" + result.encode())
    print("==", os.path.basename(path)); print(result, end="")


names = sys.argv[1:] or sorted(n[:-4] for n in os.listdir(os.path.join(HERE, "cases")) if n.endswith(".txt"))
for n in names:
    record(os.path.join(HERE, "cases", n + ".txt"))
