#!/usr/bin/python3
"""Record what real Docker does for each run line in runs.txt; writes observed.json and images/*/image/.

Needs dockerd and /usr/bin/docker (../../../../../shared/oracle/setup.sh). The docker client runs with an
empty environment, so `-e NAME` without a value means "NAME is not set in the client's environment".
Usage: python3 record.py   (from any directory)
"""
import json, os, re, shlex, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOCKER = "/usr/bin/docker"
ENV = {"DOCKER_BUILDKIT": "1"}
PROBE = ("/bin/sh", "-c",
         "/bin/cat /proc/1/environ; echo; echo ---; /bin/id -u; /bin/id -g; "
         "/bin/grep '^Groups:' /proc/1/status; pwd")


def sh(args, **kw):
    return subprocess.run(args, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL, **kw)


def build(name):
    d = os.path.join(HERE, "images", name)
    tag = "strata-test-run:" + name
    r = sh([DOCKER, "build", "-q", "-t", tag, d])
    if r.returncode != 0:
        sys.exit("build %s failed: %s" % (name, r.stderr))
    out = os.path.join(d, "image")
    os.makedirs(os.path.join(out, "etc"), exist_ok=True)
    cfg = json.loads(sh([DOCKER, "image", "inspect", "--format", "{{json .Config}}", tag]).stdout)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    for p in ("passwd", "group"):
        r = sh([DOCKER, "run", "--rm", "--entrypoint", "/bin/cat", tag, "/etc/" + p])
        path = os.path.join(out, "etc", p)
        if r.returncode == 0:
            with open(path, "w") as f:
                f.write(r.stdout)
        elif os.path.exists(path):
            os.remove(path)
    return tag


def main():
    tags, runs = {}, []
    for line in open(os.path.join(HERE, "runs.txt")):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        image, runset = line.split("\t", 1)
        if image not in tags:
            tags[image] = build(image)
        toks = shlex.split(runset)
        if "IMAGE" in toks:
            i = toks.index("IMAGE")
            pre, post = toks[:i], toks[i + 1:]
        else:
            pre, post = [], toks
        probe = post == ["PROBE"]
        if probe:
            post = list(PROBE)
        name = "strata-record-%d" % len(runs)
        if "--name" in pre:
            name = pre[pre.index("--name") + 1]
        extra = [] if "--name" in pre else ["--name", name]
        shown = ["docker", "run"] + pre + ["IMG"] + post
        r = sh([DOCKER, "run"] + extra + pre + [tags[image]] + post, timeout=60)
        obs = {"image": image, "line": shlex.join(shown), "exit": r.returncode}
        ins = sh([DOCKER, "container", "inspect", "--format",
                  "{{json .Path}}\t{{json .Args}}\t{{json .Id}}", name])
        if ins.returncode == 0:
            path, args, cid = (json.loads(x) for x in ins.stdout.strip().split("\t"))
            obs["argv"] = [path] + (args or [])
        else:
            cid = ""
        sh([DOCKER, "rm", "-f", name])
        if r.returncode == 0 and probe:
            out = r.stdout.replace("\r\n", "\n")
            environ, rest = out.split("\n---\n", 1)
            env = [e for e in environ.rstrip("\n").split("\0") if e]
            env = ["HOSTNAME=<container-id>" if cid and e == "HOSTNAME=" + cid[:12] else e for e in env]
            uid, gid, groups, pwd = rest.strip("\n").split("\n")
            obs.update(env=env, uid=int(uid), gid=int(gid),
                       groups=[int(g) for g in groups.split(":", 1)[1].split()], workdir=pwd)
        elif not probe:
            obs["stdout"] = r.stdout
        if r.returncode != 0:
            obs["stderr"] = r.stderr.splitlines()[0] if r.stderr else ""
        runs.append(obs)
        print(obs["exit"], obs["line"], file=sys.stderr)
    ver = sh([DOCKER, "version", "--format", "{{.Server.Version}}"]).stdout.strip()
    with open(os.path.join(HERE, "observed.json"), "w") as f:
        json.dump({"recorded_with": "docker " + ver + " (record.py)", "runs": runs}, f, indent=1)
        f.write("\n")


main()
