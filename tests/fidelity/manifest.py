#!/usr/bin/env python3
# Writes MANIFEST.md to stdout: `python3 tests/fidelity/manifest.py > tests/fidelity/MANIFEST.md`.
# Descriptions are kept here (D); the instruction column is read from each case's Dockerfile.
import os, re, json
root=os.path.join(os.path.dirname(os.path.abspath(__file__)),'cases')
D = {
'01-from-scratch-copy': 'FROM scratch + COPY file and dir contents; no CMD → run refused (125); non-executable file as command (126)',
'02-from-earlier-stage': '`FROM <stage>` inherits files, ENV and CMD of an earlier stage',
'03-from-arg-base': '`ARG BASE=busybox:mnt` + `FROM ${BASE}`; meta ARG invisible in the stage unless redeclared',
'04-from-as-name': '`AS builder` / lower-case `as Runtime`; `COPY --from=builder` into a dir',
'05-run-shell-and-exec': 'RUN shell form (&&, pipes, $?) and exec form (`["sh","-c",…]`, no variable expansion: `/literal-$GREETING`)',
'06-shell-instruction': 'SHELL `["/bin/sh","-e","-c"]` then `["/bin/ash","-c"]`; RUN and shell-form CMD use it; `$0`',
'07-run-heredoc': '`RUN <<EOF` plain — **20.10 fails** (`unknown instruction: ECHO`)',
'08-run-heredoc-shebang': '`RUN <<EOF` with `#!/bin/sh` — **20.10 fails** (line 4)',
'09-cmd-exec': 'CMD exec form (no `$HOME` expansion); args replace CMD; `-e`',
'10-cmd-shell': 'CMD shell form (`/bin/sh -c`, `$0`, `$@` empty); `-e` at run; `--entrypoint \'\'` + command',
'11-cmd-multiple-b3': 'OBSERVED b3: three CMDs, only the last counts, all in history; args override',
'12-cmd-bad-json': "`CMD ['echo','single-quoted']` → taken as shell form; run exits 127",
'13-entrypoint-exec-b1': 'OBSERVED b1: exec ENTRYPOINT + CMD; args; `--entrypoint echo` drops CMD; `--entrypoint \'\'` (125 / with command); /proc/1/cmdline',
'14-entrypoint-shell-b2': 'OBSERVED b2: shell-form ENTRYPOINT ignores CMD/args (they become `$0`)',
'15-entrypoint-shell-pid1-b2p': 'OBSERVED b2p: PID 1 argv of shell-form ENTRYPOINT with CMD / args',
'16-entrypoint-sh-c-b4': 'OBSERVED b4: `ENTRYPOINT ["sh","-c","…","ep0"]` + CMD → positional params',
'17-entrypoint-resets-cmd': 'ENTRYPOINT in `FROM parent` resets the inherited CMD (Cmd null)',
'18-entrypoint-exec-cmd-shell': 'exec ENTRYPOINT + shell-form CMD → `echo ep: /bin/sh -c …`; `--entrypoint sh … -c` with `$0`',
'19-entrypoint-after-cmd-same-stage': 'CMD then ENTRYPOINT in the same stage: CMD kept',
'20-env-forms': 'ENV `k=v` with quotes and `\\ `, legacy `ENV k v  v`, multi-line continuation, empty value; runtime env order',
'21-env-expansion': 'ENV `${X:-d}` `${X:+a}`, same-line `def=$abc` uses the old value, self reference, `\\$` escape, `pre${x}post`',
'22-env-path-in-place': '`ENV PATH=/app/bin:$PATH` replaced in place; command found via PATH; `-e PATH=/bin` → 127',
'23-arg-scope': 'meta ARG scope before/after redeclare, ARG without value, unused ARG, ARG default from ENV, `|N` prefix, ARG not in runtime env',
'24-arg-build-arg': '`--build-arg` overrides defaults; ARG redeclared; ENV of the same name wins; undeclared build-arg; `|N` prefix quirks',
'25-arg-stage-inherit': 'ARG declared in a stage is inherited by `FROM stage`; `--build-arg` for a later ARG',
'26-label': 'LABEL quoting, several per line, multi-line, `$REV`/`${TEAM}` expansion, single quotes keep `$X`, override',
'27-expose': 'EXPOSE tcp default, /udp, several, from a variable, duplicates; history `map[…]`',
'28-volume': 'VOLUME plain, JSON, from ENV, several; RUN writing into a VOLUME after it (kept by BuildKit)',
'29-user-name': 'USER nobody: `id` at build (no groups=) and run, HOME, ownership of RUN output; `-u 0`, `-u root`',
'30-user-uid-gid': 'USER 1234:5678 (no passwd entry), USER 0, USER 1234 (gid 0); `-u nobody:0`; `-u nosuchuser` → 125',
'31-user-created-in-image': 'user added to /etc/passwd by RUN; `USER app`, `WORKDIR /home/app`; HOME from passwd; `-u nobody`',
'32-workdir': 'WORKDIR absolute, relative chain, `$VAR` expansion, `WORKDIR /` (empty_layer), existing dir (empty layer), `..`/`//`; `-w`',
'33-workdir-comment-quirk': '`WORKDIR /app # comment` creates `/app # comment`; `RUN … # comment`',
'34-copy-basic': 'COPY file to `dir/`, to a new name, dir contents (with and without `/`), several sources, dir+file, `. /all/`, relative dest after WORKDIR',
'35-copy-wildcard': 'COPY `*.txt`, `?.md`, `[ab].conf`, several globs, one match to a file name',
'36-copy-chown-chmod': 'COPY `--chown=` name:group, uid:gid, name, uid; `--chmod=0755`, `--chmod=600` on a dir, both; mode kept (0640)',
'37-copy-link': '`COPY --link` — **20.10 fails** (`Unknown flag: link`)',
'38-copy-from-stage': '`COPY --from=0`, `--from=name`, `--from=busybox:mnt` (an image); unused stage not built',
'39-copy-missing-source': 'COPY of a missing file → build fails (`"/missing.txt" not found`)',
'40-copy-heredoc': '`COPY <<EOF /f` — **20.10 fails** (`unknown instruction: INLINE`)',
'41-dockerignore': '.dockerignore: comments, `*.log`, `!keep.log`, `**/*.tmp`, `secret/`, `docs/*` + `!docs/README.md`, nested path',
'42-copy-modes-kept': 'context modes 0600/0755/0640/0444/0700 dir/0750 kept by COPY; `ls -l` and `stat` with fixed mtimes',
'43-while-sh-no-exec-bit': 'seed/OBSERVED 3c: `COPY . /` + `ENTRYPOINT ["/while.sh"]` with mode 0644 → 126; `--entrypoint sh IMAGE /while.sh` works',
'44-while-sh-exec-bit': 'same with `0755 while.sh`: runs, extra arg ignored, `--entrypoint sh`',
'45-seed-busybox-while-typo': "the tutorial's while.sh verbatim (`#! /bin/bash`, `while:` typo) run by `ENTRYPOINT [\"/bin/sh\",\"/while.sh\"]` → syntax error, exit 2",
'46-shebang-missing-interpreter': 'exec-bit script with `#!/bin/bash` (absent) → exit 1 `exec …: no such file or directory`; `sh script` works',
'47-add-targz': 'ADD local .tar.gz auto-extracted into `/opt/` and `/opt/extracted-here` (owners/modes/mtimes/symlink kept); COPY does not extract',
'48-add-plain-and-fake-targz': 'ADD plain file to `dir/` and to a name, text file named `.tar.gz` (not extracted), a dir, `ADD --chown`',
'49-onbuild-parent': 'ONBUILD RUN/ENV stored in `OnBuild`, no history entry; USER nobody',
'50-onbuild-child': '`FROM parent-stage` runs the triggers first, as the parent\'s USER; child OnBuild null',
'51-stopsignal': 'STOPSIGNAL literal and from ARG; last wins',
'52-healthcheck-cmd': 'HEALTHCHECK CMD exec form, then shell form with --interval/--timeout/--start-period/--retries',
'53-healthcheck-none': 'HEALTHCHECK NONE overriding a parent stage\'s check',
'54-maintainer': 'MAINTAINER (twice) → config `author`; image without new layers',
'55-multistage-target': '`--target build`: later stage and a failing unused stage not built',
'56-multistage-unused-stage': 'unused failing stage skipped; final stage copies from `build`',
'57-whiteouts-exp-e': 'OBSERVED 3e: whiteouts, opaque dir, dir→file, deleting base files, copy-up on append/chmod/touch',
'58-layers-brace-exp-a': 'OBSERVED 3a / seed: `touch f{1..10}.txt` makes one file (no brace expansion in ash); no-op rm still a layer; `CMD ["/bin/sh"]`',
'59-layers-seq-exp-a2': 'OBSERVED a2: `for i in $(seq 1 10)`; rm → whiteout layer',
'60-ls-stat-copied-files': '`ls -l`, `ls -ln`, `ls -1/-F`, `stat -c` formats (%F %A %h %N …), symlink and hardlink made by RUN, `readlink`, `du -s`',
'61-sh-c-dollar0': '`sh -c` with `$0`, `$1`, `$#`, `$@`; exit status from `sh -c`',
'62-exit-codes': 'exit code propagation: `sh -c \'exit 3\'`, `false`, not found (127), not executable (126)',
'63-stderr-output': 'stdout vs stderr separation; applet error messages',
'64-runtime-env-user-workdir': 'runtime env order (PID 1 environ), `-e` replace/add, `-e PATH`, `-e HOME`, `-u name`, `-u uid`, `-u uid:gid -w`',
'65-run-fails-exit-3': '`RUN … && exit 3` → build fails; build.error `executor failed running …: exit code: 3`',
'66-seed-mycentos': 'seed mycentos adapted: MAINTAINER, `ENV MYPATH /usr/local`, `WORKDIR $MYPATH`, RUN installs (placeholders), EXPOSE, three CMDs (last `/bin/sh`)',
'67-seed-myip-cmd': 'seed myip with CMD: `docker run IMAGE -i` replaces CMD → `-i` not found (127)',
'68-seed-myip-entrypoint': 'seed myip with ENTRYPOINT: `-i` is appended',
'69-seed-typo-rntrypoint': 'seed typo `RNTRYPOINT` → parse error',
'70-seed-typo-form': 'seed typo `FORM` → parse error line 1',
'71-seed-python-app': 'seed python app shape: WORKDIR /app, `ADD . /app`, VOLUME, RUN, EXPOSE, legacy ENV, CMD exec form',
'72-seed-python-trailing-comments': 'seed python Dockerfile with trailing `# 注释` → `Invalid containerPort: #`',
'73-seed-volume': 'seed volume Dockerfile: `VOLUME ["/dataVolumeContainer1", …]`, two shell-form CMDs',
'74-copy-multi-src-no-slash': '`COPY a.txt b.txt /multi` (no `/`) — 20.10 makes `/multi` a file with the last source',
'75-trailing-comment-quirks': '`ENV B 1 # comment` keeps it in the value, `CMD [...] # comment` ok, `USER nobody # comment` → run fails 125',
'76-env-trailing-comment-fails': '`ENV A=1 # comment` → `Syntax error - can\'t find = in "#"`',
'77-expose-comment-fails': '`EXPOSE 80 # http` → `Invalid containerPort: #`',
'78-entrypoint-cmd-empty-json': '`ENTRYPOINT []` + `CMD []` clear the parent\'s → "No command specified" (125)',
'79-line-continuation': 'continuation with a comment line inside, with a blank line inside, tabs',
'80-escape-directive': '``# escape=` `` directive: backtick continuation, backslash literal',
'81-copy-overwrite-base-file': 'COPY replaces a base file (/etc/passwd, 0600): `USER guest` from the new passwd; `id` cannot read names',
'82-shell-entrypoint-healthcheck': 'SHELL applies to shell-form ENTRYPOINT (`sh -x -c`, trace on stderr), not to shell-form HEALTHCHECK',
'83-copy-ignores-user': 'COPY under USER nobody is 0:0; WORKDIR creates dirs owned by the USER; RUN output owned by nobody',
'84-from-arg-build-arg-override': '`--build-arg BASE=busybox:latest` for `FROM ${BASE}`: other base (0.txt kept), RUN layer artifacts /dev /etc /proc /sys',
'85-run-no-change-and-inherited-cmd': 'RUN with no changes still makes (empty) layers; inherited `CMD ["sh"]`',
'86-copy-exclude-flag': '`COPY --exclude=*.md` — **20.10 fails** (`Unknown flag: exclude`)',
'87-copy-parents-flag': '`COPY --parents` — **20.10 fails** (`Unknown flag: parents`)',
'88-lowercase-instructions': 'seed 000 writes `run …`: instructions are case-insensitive (`from`, `run`, `Cmd`)',
'89-copy-symlinks-in-context': 'symlinks in the context: kept by `COPY . /all/`, followed when named as the source (file and dir)',
'90-arg-predefined-platform': 'predefined ARGs TARGETPLATFORM/TARGETOS/TARGETARCH/BUILDPLATFORM: empty until declared, then in the `|N` prefix',
'91-expose-range-stopsignal-number': '`EXPOSE 8000-8002 7000-7001/udp` ranges; numeric `STOPSIGNAL 9`',
'92-workdir-relative-first': 'first WORKDIR relative → `/rel`; `WORKDIR $UNSET/after-unset` → `/after-unset`',
'93-dockerfile-specific-dockerignore': '`Dockerfile.dockerignore` beside the Dockerfile overrides `context/.dockerignore`',
'94-shell-applets-text': 'RUN text applets: sort (-u -k -n -r), uniq -c, head, tail, wc, grep (-n -c -v), sed (s///g, -n p, d, groups), cut, tr (-d -s), printf formats, echo -n/-e/backslash, seq, basename, dirname',
'95-shell-applets-files': 'RUN file applets: cp -r, mv, ln/ln -s (hardlink `h` entry), mkfifo (`p` entry), chmod symbolic, chown (-R), rm -r, rmdir, tee, find -name/-type, xargs, readlink (-f), which, umask, mkdir -m; stat of all',
'96-shell-syntax': 'ash syntax: functions/return, for/continue, while, until, case patterns, && ||, subshell, backticks, arithmetic, ${#v} ${v%..} ${v##..} ${u:-d} ${u-x}, set --, "$@", quoting, { }, redirections, globbing',
'97-shell-env-export': 'export vs plain vars, env -u, unset, HOME/PWD/SHLVL in RUN, whoami, id -un at build and at run',
'200-workdir-trailing-slash': '`WORKDIR /a/b/c/` keeps its slash, `WORKDIR ${BASE}/other/../final` kept as written in WorkingDir and history (relative ones cleaned); WORKDIR creates `/srv/final`, the next RUN also `/srv/other`',
'201-copy-from-stage-owners': '`COPY --from=stage` keeps the stage\'s owners (dir contents and a single file); `--chown` replaces them; created dest dirs 0:0',
'202-add-compressed-tars': 'ADD unpacks plain, bzip2 and xz tars, detected by content (an xz tar named `.tar.gz` too)',
'203-add-zstd-tar': 'ADD of a `.tar.zst`: **20.10 copies it as a file**; current BuildKit unpacks it',
'231-env-order-build': 'environment in RUN (ARG and ENV in ash order, HOSTNAME unexported, `set`/`export -p`), as nobody (HOME), at run with -u/-w; busybox has no `printenv`',
'250-processes-and-time': 'processes and time: `ps` as PID 1 and as ash\'s exec\'d last command (`{ps} sh -c ps`, busybox\'s `PID USER COMMAND` columns), `$$`/`$PPID` of PID 1 and a child shell, `pidof`, `ps -o`; `date` after `sleep 2` (also in a RUN step), `timeout 1 sleep 5` (143, `Terminated`), `usleep`',
'251-run-not-simulated': 'a program that exists but that the simulator does not run (busybox `bc`): the run stops as "not simulated" (a listed difference: Docker prints 42)',
'270-from-platform-args': "the predefined platform ARGs: `FROM --platform=$BUILDPLATFORM`, `$TARGETOS` in FROM's image name before any ARG, inside a stage only after a bare `ARG TARGETARCH` (undeclared ones empty), `--platform=linux/amd64`",
'271-from-platform-invalid': "`FROM --platform=$NOPE`: the platform expands to nothing and containerd's parser refuses it",
'272-from-reference-invalid': "an image reference invalid once its ARG is expanded (`busybox:-x`): docker/distribution's `invalid reference format`",
'232-shell-applets-more': 'applets added for issue 10 under real Docker: patch -p1, dos2unix, dd records, sha256sum -c, printf --, getopt with eval set, factor, expand, strings; at run dd skip/count, crontab without/with its spool dir, passwd -l with no /etc/shadow, unzip usage, run-parts --test, logger -s, env -0',
'240-volume-writes-stay-in-the-volume': 'VOLUME /data: the write goes to the anonymous volume (filled with the image\'s seed.txt); a new named volume gets the image\'s files, a second run sees what the first wrote; `:ro` fails every change with EROFS (`>`, `>>`, rm, mkdir, touch)',
'241-volume-bind-and-new-mount-point': 'a host directory (`-v /host:/data:ro`) hides the image\'s files and is read-only; `-v /newvol` creates the mount point, empty; the daemon\'s 125 refusals of a bad mode and a relative mount path',
'230-env-order': 'environment order: `env` without a shell (docker\'s PATH, HOSTNAME, ENV, HOME), under ash (hash-chain order, PWD/SHLVL/OLDPWD), `export -p`/`set` sorted, `env -u/-i/NAME=`, prefix assignments, `local`',
}
rows=[]
index={}
cases=sorted(os.listdir(root))
assert set(cases)==set(D), (set(cases)^set(D))
kw=re.compile(r'^\s*([A-Za-z]+)(\s+(--[a-z-]+(=\S*)?(\s+--[a-z-]+(=\S*)?)*))?', re.M)
for c in cases:
    d=os.path.join(root,c)
    df=open(os.path.join(d,'Dockerfile')).read()
    ins=[]
    hd=None; cont=False
    for line in df.split('\n'):
        if hd is not None:
            if line.strip()==hd: hd=None
            continue
        was_cont=cont; cont=(not line.lstrip().startswith('#')) and (line.rstrip().endswith('\\') or line.rstrip().endswith('`') and c.startswith('80'))
        if was_cont: continue
        h=re.search(r'<<-?["\']?([A-Z]+)', line)
        if h and not line.lstrip().startswith('#'): hd=h.group(1)
        m=re.match(r'^([A-Za-z]+)\b(.*)$', line)
        if not m: continue
        k=m.group(1).upper()
        if k not in ('FROM','RUN','CMD','ENTRYPOINT','ENV','ARG','LABEL','EXPOSE','VOLUME','USER','WORKDIR','COPY','ADD','ONBUILD','STOPSIGNAL','HEALTHCHECK','SHELL','MAINTAINER'):
            k=m.group(1)+' (unknown)'
        flags=re.findall(r'\s(--[a-z-]+)', m.group(2)) if k in ('COPY','ADD','HEALTHCHECK','FROM') else []
        t=k+''.join(' '+f for f in flags)
        if t not in ins: ins.append(t)
        index.setdefault(t,[])
        if c[:2] not in index[t]: index[t].append(c[:2])
    opts=[]
    if os.path.exists(os.path.join(d,'build-args')): opts.append('--build-arg')
    if os.path.exists(os.path.join(d,'target')): opts.append('--target')
    if os.path.exists(os.path.join(d,'modes')): opts.append('modes')
    if os.path.exists(os.path.join(d,'context','.dockerignore')): opts.append('.dockerignore')
    if os.path.exists(os.path.join(d,'Dockerfile.dockerignore')): opts.append('Dockerfile.dockerignore')
    rc=open(os.path.join(d,'expected','build.rc')).read().strip()
    nruns=len([f for f in os.listdir(os.path.join(d,'expected')) if f.startswith('run-')])
    res='**fails**' if rc!='0' else f'ok, {nruns} run{"s" if nruns!=1 else ""}'
    rows.append(f'| `{c}` | {D[c]} | {", ".join(ins)}{"; " + ", ".join(opts) if opts else ""} | {res} |')
hdr='''# Fidelity cases — coverage

Generated by `manifest.py` (descriptions written there; the instructions column = the keywords and flags each Dockerfile uses;
"result" = what Docker 20.10 BuildKit did). Format and re-recording: README.md. Base image for all cases
is `busybox:mnt` except 01 (`scratch`) and 84 (`busybox:latest` through `--build-arg`).

| case | what it checks | instructions / flags / inputs | result |
|---|---|---|---|
'''
ok=sum(1 for r in rows if 'ok,' in r)
for o in ('--build-arg','--target','modes','.dockerignore','Dockerfile.dockerignore'):
    index[o]=[r.split('`')[1][:2] for r in rows if o in r.split(' | ')[2]]
idx='\n'.join(f'| {k} | {" ".join(v)} |' for k,v in sorted(index.items()))
print(hdr+'\n'.join(rows)+f'\n\n{len(rows)} cases: {ok} build, {len(rows)-ok} are expected build failures.\n'
      +'\n## Index: instruction or flag → cases\n\n| instruction / flag | cases |\n|---|---|\n'+idx+'\n')
