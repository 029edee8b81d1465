//! Debian's `adduser`/`addgroup` (the perl front end of the `adduser` package, configured by
//! `/etc/adduser.conf`), which Debian and Ubuntu images have instead of busybox's applet. Documented
//! behaviour (adduser(8), adduser.conf(5), bookworm's 3.134): a normal user gets the first free UID from
//! 1000, a group of its own name, home `/home/NAME` (mode `DIR_MODE`, 0700 in bookworm) with /etc/skel
//! copied in, and shell `DSHELL` (/bin/bash); `--system` takes the first free UID from 100, home
//! `/nonexistent` (not created), shell `/usr/sbin/nologin`, and group `nogroup` unless `--group` or
//! `--ingroup`. `adduser USER GROUP` adds an existing user to a group. The work is done by the shadow
//! tools, as the real script does.

use super::sys;
use super::Io;
use crate::shell::interp::{Ctl, Shell};

const LONG: &[(&str, char, bool)] = &[
    ("uid", 'u', true),
    ("gid", 'g', true),
    ("home", 'h', true),
    ("shell", 's', true),
    ("gecos", 'c', true),
    ("comment", 'c', true),
    ("ingroup", 'i', true),
    ("firstuid", 'F', true),
    ("lastuid", 'L', true),
    ("conf", 'C', true),
    ("system", 'S', false),
    ("group", 'G', false),
    ("disabled-password", 'D', false),
    ("disabled-login", 'D', false),
    ("no-create-home", 'H', false),
    ("quiet", 'q', false),
    ("debug", 'q', false),
    ("force-badname", 'b', false),
    ("allow-badname", 'b', false),
    ("allow-all-names", 'b', false),
    ("add-extra-groups", 'E', false),
    ("add_extra_groups", 'E', false),
];

fn first_free(sh: &Shell<'_>, file: &str, lo: u32, hi: u32) -> u32 {
    let text = sh
        .fs
        .read(file)
        .map(|c| String::from_utf8_lossy(&c.bytes()).into_owned())
        .unwrap_or_default();
    let used: Vec<u32> = text
        .lines()
        .filter_map(|l| l.split(':').nth(2)?.parse().ok())
        .collect();
    (lo..=hi).find(|u| !used.contains(u)).unwrap_or(hi)
}

fn has_entry(sh: &Shell<'_>, file: &str, name: &str) -> bool {
    sh.fs.read(file).is_ok_and(|c| {
        String::from_utf8_lossy(&c.bytes())
            .lines()
            .any(|l| l.split(':').next() == Some(name))
    })
}

/// Runs one shadow tool as the script would, its messages under the tool's name.
fn shadow(
    sh: &mut Shell<'_>,
    io: &mut Io,
    tool: &str,
    args: Vec<String>,
    f: super::Applet,
) -> Result<i32, Ctl> {
    let old = std::mem::replace(&mut io.name, tool.to_owned());
    let mut argv = vec![tool.to_owned()];
    argv.extend(args);
    let s = f(sh, &argv, io);
    io.name = old;
    let s = s?;
    Ok(s)
}

/// `adduser` (and `addgroup` / `adduser --group`) of Debian's adduser package.
pub fn adduser(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    if sh.identity.uid != 0 {
        io.print("adduser: Only root may add a user or group to the system.\n");
        return Ok(1);
    }
    let args = super::longopts::to_short(&argv[1..], LONG);
    if let Some(bad) = args.iter().find(|a| a.starts_with("--") && *a != "--") {
        io.err(&format!("Unknown option: {}", &bad[2..]));
        return Ok(1);
    }
    let (flags, ops) = match super::getopt(&args, "ughscifLC") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("option requires an argument -- '{c}'"));
            return Ok(1);
        }
    };
    let val = |c: char| super::flag_value(&flags, c);
    let has = |c: char| flags.iter().any(|f| f.0 == c);
    let quiet = has('q');
    let group_only = io.name == "addgroup" || (has('G') && !has('S'));
    let system = has('S');
    let Some(name) = ops.first().cloned() else {
        io.err("Only one or two names allowed.");
        return Ok(1);
    };
    let say = |io: &mut Io, s: String| {
        if !quiet {
            io.print(&s);
        }
    };
    if ops.len() == 2 && !group_only {
        let group = ops[1].clone();
        if !has_entry(sh, "/etc/passwd", &name) {
            io.err(&format!("The user `{name}' does not exist."));
            return Ok(1);
        }
        say(io, format!("Adding user `{name}' to group `{group}' ...\n"));
        return shadow(
            sh,
            io,
            "usermod",
            vec!["-aG".into(), group, name],
            sys::usermod,
        );
    }
    if group_only {
        if has_entry(sh, "/etc/group", &name) {
            io.err(&format!("The group `{name}' already exists."));
            return Ok(1);
        }
        let gid = val('g').unwrap_or_else(|| {
            let (lo, hi) = if system { (100, 999) } else { (1000, 59999) };
            first_free(sh, "/etc/group", lo, hi).to_string()
        });
        say(io, format!("Adding group `{name}' (GID {gid}) ...\n"));
        return shadow(
            sh,
            io,
            "groupadd",
            vec!["-g".into(), gid, name],
            sys::groupadd,
        );
    }
    if has_entry(sh, "/etc/passwd", &name) {
        if system {
            // Documented: an existing system user is not an error.
            return Ok(0);
        }
        io.err(&format!("The user `{name}' already exists."));
        return Ok(1);
    }
    let uid = match val('u') {
        Some(u) => u,
        None if system => first_free(sh, "/etc/passwd", 100, 999).to_string(),
        None => first_free(sh, "/etc/passwd", 1000, 59999).to_string(),
    };
    let home = val('h').unwrap_or_else(|| {
        if system {
            "/nonexistent".to_owned()
        } else {
            format!("/home/{name}")
        }
    });
    let shell = val('s').unwrap_or_else(|| {
        if system {
            "/usr/sbin/nologin".to_owned()
        } else {
            "/bin/bash".to_owned()
        }
    });
    let group = match (val('i'), val('g')) {
        (Some(g), _) | (None, Some(g)) => Some(g),
        (None, None) if system && !has('G') => Some("nogroup".to_owned()),
        _ => None,
    };
    say(
        io,
        format!(
            "Adding {}user `{name}' ...\n",
            if system { "system " } else { "" }
        ),
    );
    let mut ua = vec![
        "-u".into(),
        uid.clone(),
        "-d".into(),
        home.clone(),
        "-s".into(),
        shell,
    ];
    if let Some(c) = val('c') {
        ua.extend(["-c".into(), c]);
    }
    match &group {
        Some(g) => ua.extend(["-g".into(), g.clone()]),
        None => {
            let gid_taken = sh.fs.read("/etc/group").is_ok_and(|c| {
                String::from_utf8_lossy(&c.bytes())
                    .lines()
                    .any(|l| l.split(':').nth(2) == Some(uid.as_str()))
            });
            let gid = if gid_taken {
                first_free(sh, "/etc/group", if system { 100 } else { 1000 }, 59999)
            } else {
                uid.parse().unwrap_or(1000)
            };
            say(io, format!("Adding new group `{name}' ({gid}) ...\n"));
            let s = shadow(
                sh,
                io,
                "groupadd",
                vec!["-g".into(), gid.to_string(), name.clone()],
                sys::groupadd,
            )?;
            if s != 0 {
                return Ok(s);
            }
            ua.extend(["-g".into(), name.clone()]);
        }
    }
    let create = !system && !has('H') && !sh.fs.exists(&home);
    if create {
        ua.push("-m".into());
    }
    ua.push(name.clone());
    let gname = group.unwrap_or_else(|| name.clone());
    say(
        io,
        format!("Adding new user `{name}' ({uid}) with group `{gname}' ...\n"),
    );
    let s = shadow(sh, io, "useradd", ua, sys::useradd)?;
    if s != 0 {
        return Ok(s);
    }
    if create {
        say(
            io,
            format!("Creating home directory `{home}' ...\nCopying files from `/etc/skel' ...\n"),
        );
        let _ = sh.fs.set_mode(&home, 0o700);
    }
    Ok(0)
}
