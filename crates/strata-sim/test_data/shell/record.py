#!/usr/bin/env python3
"""Records what the REAL busybox ash does with each case script here.

For every `<case>.sh` this builds a throwaway root (busybox-static + `--install -s /bin`, the files in
`tree.txt`), runs `setup.sh` then the case with `/bin/sh -c "$(cat case.sh)"` inside it (`unshare -rm` +
`chroot`, so no root is needed; /dev/null is bind-mounted), and writes `<case>.out`:

    exit N
    stdout LEN
    <LEN bytes>
    stderr LEN
    <LEN bytes>

`ls -l`-style dates (`Nov 23 14:02`) and `date`-style times are replaced by `<DATE>` (the harness does the
same to the simulator's output), because the recording and the simulation run at different times.

Usage: python3 record.py [CASE...]   (needs /bin/busybox from busybox-static and unshare)
"""
import os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUSYBOX = os.environ.get("BUSYBOX", "/bin/busybox")
ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
DATE = re.compile(rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9][0-9] ( [0-9]{4}|[0-9]{2}:[0-9]{2})")


def normalize(b: bytes) -> bytes:
    return DATE.sub(b"<DATE>", b)


def build_root(root: str) -> None:
    """The fixed tree: described in tree.txt, which the Rust harness reads too."""
    os.makedirs(os.path.join(root, "bin"))
    shutil.copy(BUSYBOX, os.path.join(root, "bin", "busybox"))
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    with open(os.path.join(HERE, "applets.txt")) as f:
        for name in f.read().split():
            p = os.path.join(root, "bin", name)
            if not os.path.lexists(p):
                os.symlink("/bin/busybox", p)
    with open(os.path.join(HERE, "tree.txt")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            kind, mode, path, *rest = line.split(" ", 3)
            p = os.path.join(root, path.lstrip("/"))
            if kind == "d":
                os.makedirs(p, exist_ok=True)
            elif kind == "f":
                os.makedirs(os.path.dirname(p), exist_ok=True)
                text = rest[0] if rest else ""
                with open(p, "wb") as out:
                    out.write(text.encode().decode("unicode_escape").encode("latin-1"))
            elif kind == "c":
                open(p, "w").close()
            os.chmod(p, int(mode, 8))


def run_case(case: str) -> None:
    src = os.path.join(HERE, case + ".sh")
    with open(src) as f:
        script = f.read()
    tmp = tempfile.mkdtemp(prefix="strata-bb-")
    root = os.path.join(tmp, "root")
    try:
        build_root(root)
        with open(os.path.join(HERE, "setup.sh")) as f:
            setup = f.read()
        inner = (
            'mount --bind /dev/null "$R/dev/null" && '
            'env -u SETUP -u SCRIPT -u R chroot "$R" /bin/sh -c "$SETUP" >/dev/null 2>&1 && '
            'cd "$R" && exec env -u SETUP -u SCRIPT -u R chroot "$R" /bin/sh -c "$SCRIPT"'
        )
        env = dict(ENV, R=root, SETUP=setup, SCRIPT=script)
        p = subprocess.run(["unshare", "-rm", "/bin/sh", "-c", inner], env=env, capture_output=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        out, err = normalize(p.stdout), normalize(p.stderr)
        with open(os.path.join(HERE, case + ".out"), "wb") as f:
            f.write(b"exit %d\n" % p.returncode)
            f.write(b"stdout %d\n" % len(out) + out + b"\n")
            f.write(b"stderr %d\n" % len(err) + err + b"\n")
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", tmp], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    if not os.path.exists(os.path.join(HERE, "applets.txt")):
        names = subprocess.run([BUSYBOX, "--list"], capture_output=True, check=True).stdout.decode().split()
        with open(os.path.join(HERE, "applets.txt"), "w") as f:
            f.write("\n".join(n for n in names if n != "busybox") + "\n")
    cases = sys.argv[1:] or sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".sh") and f != "setup.sh")
    for c in cases:
        run_case(c)
        print("recorded", c)


if __name__ == "__main__":
    main()
