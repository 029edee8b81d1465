//! `passwd [-dlu] [USER]`, the non-interactive part of busybox's `passwd`: `-d` empties the password,
//! `-l` locks it (a `!` in front), `-u` unlocks it, in `/etc/shadow` (stamping the day of the change) or, for
//! a user it does not list, in `/etc/passwd`. Asking for a new password on the terminal is not simulated.

use strata_image::Content;

use super::{db, getopt, has_flag, lines, Io};
use crate::exec::Note;
use crate::shell::interp::{Ctl, Shell};

/// Rewrites field 2 (and in `/etc/shadow` field 3, the day) of `user`'s line with `f`; `None` when the
/// file has no such user, `Some(Err(msg))` when `f` refuses.
fn change(
    sh: &mut Shell<'_>,
    file: &str,
    user: &str,
    f: &dyn Fn(&str) -> Result<String, String>,
) -> Option<Result<(), String>> {
    let content = sh.fs.read(file).ok()?;
    let attrs = sh.fs.stat(file).ok()?.attrs;
    let days = sh.now.secs.div_euclid(86400).to_string();
    let mut found = None;
    let mut out = String::new();
    for l in lines(&content.bytes()) {
        let mut fields: Vec<String> = l.split(':').map(str::to_owned).collect();
        if found.is_none() && fields.len() > 1 && fields[0] == user {
            match f(&fields[1]) {
                Ok(new) => {
                    fields[1] = new;
                    if file == "/etc/shadow" && fields.len() > 2 {
                        fields[2] = days.clone();
                    }
                    found = Some(Ok(()));
                }
                Err(e) => return Some(Err(e)),
            }
        }
        out.push_str(&fields.join(":"));
        out.push('\n');
    }
    found.inspect(|_| {
        let _ = sh
            .fs
            .write(file, Content::from_bytes(out.into_bytes()), attrs, sh.now);
    })
}

/// `passwd`.
pub fn passwd(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let (flags, ops) = match getopt(&argv[1..], "a") {
        Ok(x) => x,
        Err(c) => {
            io.err(&format!("invalid option -- '{c}'"));
            return Ok(1);
        }
    };
    let has = |c: char| has_flag(&flags, c);
    let (delete, lock, unlock) = (has('d'), has('l'), has('u'));
    let me = super::user_name(sh.fs, sh.identity.uid).unwrap_or_default();
    let user = ops.first().cloned().unwrap_or(me.clone());
    if !db(sh.fs, "/etc/passwd")
        .iter()
        .any(|r| r.first() == Some(&user))
    {
        io.err(&format!("unknown user {user}"));
        return Ok(1);
    }
    if !(delete || lock || unlock) {
        sh.notes.push(Note::Unsupported {
            command: argv.join(" "),
            detail: "passwd asks for the new password on a terminal; use chpasswd".to_owned(),
        });
        io.err("setting a password interactively is not simulated");
        return Ok(1);
    }
    let name = user.clone();
    let edit = move |old: &str| -> Result<String, String> {
        let mut p = if delete {
            String::new()
        } else {
            old.to_owned()
        };
        if lock {
            if p.starts_with('!') {
                return Err(format!("password for {name} is already locked"));
            }
            p.insert(0, '!');
        } else if unlock {
            match p.strip_prefix('!') {
                Some(rest) => p = rest.to_owned(),
                None => return Err(format!("password for {name} is already unlocked")),
            }
        }
        Ok(p)
    };
    let r = match change(sh, "/etc/shadow", &user, &edit) {
        Some(r) => r,
        None => {
            // Said only when there is a shadow file that lacks the user.
            if sh.fs.stat("/etc/shadow").is_ok() {
                io.err(&format!(
                    "no record of {user} in /etc/shadow, using /etc/passwd"
                ));
            }
            change(sh, "/etc/passwd", &user, &edit).unwrap_or(Ok(()))
        }
    };
    match r {
        Ok(()) => {
            io.err(&format!("password for {user} changed by {me}"));
            Ok(0)
        }
        Err(e) => {
            io.err(&e);
            Ok(1)
        }
    }
}
