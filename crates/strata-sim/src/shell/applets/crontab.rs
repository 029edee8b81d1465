//! `crontab [-c DIR] [-u USER] [-l | -r | FILE | -]` as busybox's: the table of USER (default: the caller)
//! is the file `DIR/USER` (DIR `/var/spool/cron/crontabs`, which must exist), written mode 0600 and owned by
//! the user; every change appends the user's name to `DIR/cron.update` for crond. `-e` (an editor) is not
//! simulated.

use strata_image::{Attrs, Content};

use super::{db, errno_msg, flag_value, getopt, has_flag, inputs, ErrStyle, Io};
use crate::exec::Note;
use crate::shell::interp::{Ctl, Shell};

/// `crontab`.
pub fn crontab(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (flags, ops) = match getopt(&argv[1..], "cu") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let value = |c: char| flag_value(&flags, c);
    let has = |c: char| has_flag(&flags, c);
    let dir = value('c').unwrap_or_else(|| "/var/spool/cron/crontabs".to_owned());
    let row = match value('u') {
        Some(u) => db(sh.fs, "/etc/passwd")
            .into_iter()
            .find(|r| r.first() == Some(&u)),
        None => db(sh.fs, "/etc/passwd")
            .into_iter()
            .find(|r| r.get(2).and_then(|v| v.parse::<u32>().ok()) == Some(sh.identity.uid)),
    };
    let Some(row) = row else {
        io.err(&format!(
            "unknown user {}",
            value('u').unwrap_or_else(|| sh.identity.uid.to_string())
        ));
        return Ok(1);
    };
    let user = row[0].clone();
    let id = |i: usize| row.get(i).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
    let (uid, gid) = (id(2), id(3));
    if has('e') {
        sh.notes.push(Note::Unsupported {
            command: argv.join(" "),
            detail: "crontab -e opens an editor; install a file with `crontab FILE`".to_owned(),
        });
        io.err("-e (an editor) is not simulated");
        return Ok(1);
    }
    // Read the new table before changing directory (a relative FILE is the caller's).
    let new = if has('l') || has('r') {
        None
    } else {
        let file = ops.first().cloned().unwrap_or_else(|| "-".to_owned());
        match inputs(sh, io, &[file], ErrStyle::CantOpen)
            .pop()
            .and_then(|(_, d)| d)
        {
            Some(d) => Some(d),
            None => return Ok(1),
        }
    };
    let base = sh.abs(&dir);
    if !sh.fs.stat(&base).is_ok_and(|s| s.is_dir()) {
        io.err(&format!(
            "can't change directory to '{dir}': No such file or directory"
        ));
        return Ok(1);
    }
    let path = format!("{}/{user}", base.trim_end_matches('/'));
    if has('l') {
        return Ok(match sh.fs.read(&path) {
            Ok(c) => {
                io.out.extend_from_slice(&c.bytes());
                0
            }
            Err(e) => {
                io.err(&format!("can't open '{user}': {}", errno_msg(&e)));
                1
            }
        });
    }
    match new {
        Some(d) => {
            sh.budget.write(d.len() as u64).map_err(|l| sh.limit(l))?;
            let _ = sh.fs.write(
                &path,
                Content::from_bytes(d),
                Attrs::new(0o600, uid, gid, sh.now),
                sh.now,
            );
        }
        None => {
            let _ = sh.fs.remove_file(&path, sh.now);
        }
    }
    let update = format!("{}/cron.update", base.trim_end_matches('/'));
    let mut log = sh
        .fs
        .read(&update)
        .map(|c| c.bytes().into_owned())
        .unwrap_or_default();
    log.extend_from_slice(format!("{user}\n").as_bytes());
    let attrs = match sh.fs.stat(&update) {
        Ok(st) => st.attrs,
        Err(_) => Attrs::new(0o600, sh.identity.uid, sh.identity.gid, sh.now),
    };
    let _ = sh
        .fs
        .write(&update, Content::from_bytes(log), attrs, sh.now);
    Ok(0)
}
