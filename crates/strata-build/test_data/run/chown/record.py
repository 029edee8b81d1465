#!/usr/bin/python3
"""Record BuildKit's `COPY --chown` resolution (Docker 20.10): one build per spec, `ls -ln` of the copy.

Writes observed.txt next to this file: `base<TAB>spec<TAB>uid:gid` or `base<TAB>spec<TAB>error: <message>`.
"""
import os, re, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = {"DOCKER_BUILDKIT": "1", "PATH": "/usr/bin:/bin"}
BASES = {
    "users": "FROM busybox:mnt\nCOPY passwd group /etc/\n",
    "nopasswd": "FROM busybox:mnt\nRUN rm /etc/passwd /etc/group\n",
}
out = []
with tempfile.TemporaryDirectory() as ctx:
    for f in ("passwd", "group"):
        with open(os.path.join(HERE, f)) as src, open(os.path.join(ctx, f), "w") as dst:
            dst.write(src.read())
    with open(os.path.join(ctx, "f"), "w") as f:
        f.write("hi\n")
    for line in open(os.path.join(HERE, "specs.txt")):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        base, spec = line.split("\t", 1)
        df = BASES[base] + "COPY --chown=%s f /x\nRUN echo \"OWNER $(stat -c %%u:%%g /x)\"\n" % spec
        with open(os.path.join(ctx, "Dockerfile"), "w") as f:
            f.write(df)
        r = subprocess.run(["/usr/bin/docker", "build", "--no-cache", "--progress=plain", ctx],
                           env=ENV, capture_output=True, text=True)
        m = re.search(r"OWNER (\d+:\d+)", r.stdout + r.stderr)
        if r.returncode == 0 and m:
            res = m.group(1)
        else:
            err = [l for l in (r.stdout + r.stderr).splitlines() if "ERROR:" in l]
            msg = err[0].split("ERROR: ", 1)[1] if err else "build failed"
            res = "error: " + re.sub(r"/var/lib/docker/\S*/merged", "", msg)
        out.append("%s\t%s\t%s" % (base, spec, res))
        print(out[-1])
with open(os.path.join(HERE, "observed.txt"), "w") as f:
    f.write("\n".join(out) + "\n")
