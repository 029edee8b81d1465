//! `/etc/passwd` and `/etc/group` lookups for `USER`, `docker run -u` and `COPY --chown`.
//!
//! Two resolvers with different rules, because Docker has two:
//! - [`lookup_user`] is what the daemon and runc do when a container starts (`USER` in the image config or
//!   `docker run -u`): unknown names are errors, a numeric uid need not exist, supplementary groups come from
//!   the group file's member lists.
//! - [`lookup_chown`] is what BuildKit does for `COPY --chown`/`ADD --chown`: an unknown name is silently
//!   ignored, and a numeric user alone sets the group to the same number.
//!
//! The facts (verified against Docker 20.10) are in `test_data/users/` and `test_data/run/observed.json`.
//! The file formats are read the way Go's runc `user` package reads them: lines are trimmed, empty lines
//! skipped, there are no comments, and a numeric field that does not parse is 0.

use std::collections::BTreeSet;

/// The highest uid or gid Docker accepts for `docker run -u` (`2^31 - 1`).
pub const MAX_ID: i64 = 2_147_483_647;

/// What went wrong resolving a user or group; the messages are Docker's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    /// A user name that is not in the image's `/etc/passwd` (or the file is missing).
    #[error("unable to find user {0}: no matching entries in passwd file")]
    NoSuchUser(String),
    /// A group name that is not in the image's `/etc/group` (or the file is missing).
    #[error("unable to find group {0}: no matching entries in group file")]
    NoSuchGroup(String),
    /// A numeric uid or gid outside `0..=2147483647`.
    #[error("uids and gids must be in range 0-2147483647")]
    OutOfRange,
    /// `COPY --chown` with a name, and the image has no such file (BuildKit fails the step).
    #[error("open {0}: no such file or directory")]
    MissingFile(&'static str),
}

/// One line of `/etc/passwd`: `name:password:uid:gid:gecos:home:shell`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasswdEntry {
    /// The login name.
    pub name: String,
    /// The password field (usually `x`).
    pub password: String,
    /// The user id (0 when the field is not a number, as Go reads it).
    pub uid: i64,
    /// The primary group id.
    pub gid: i64,
    /// The comment (full name) field.
    pub gecos: String,
    /// The home directory; may be empty.
    pub home: String,
    /// The login shell.
    pub shell: String,
}

/// One line of `/etc/group`: `name:password:gid:member,member…`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupEntry {
    /// The group name.
    pub name: String,
    /// The password field.
    pub password: String,
    /// The group id (0 when the field is not a number).
    pub gid: i64,
    /// The user names listed as members (supplementary membership).
    pub members: Vec<String>,
}

/// Parses `/etc/passwd` text. Never fails: odd lines give entries with empty or zero fields, as in runc.
pub fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    lines(text)
        .map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            let s = |i: usize| f.get(i).map(|s| s.to_string()).unwrap_or_default();
            PasswdEntry {
                name: s(0),
                password: s(1),
                uid: f.get(2).map_or(0, |v| field_int(v)),
                gid: f.get(3).map_or(0, |v| field_int(v)),
                gecos: s(4),
                home: s(5),
                shell: s(6),
            }
        })
        .collect()
}

/// Parses `/etc/group` text. Never fails, like [`parse_passwd`].
pub fn parse_group(text: &str) -> Vec<GroupEntry> {
    lines(text)
        .map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            GroupEntry {
                name: f.first().map(|s| s.to_string()).unwrap_or_default(),
                password: f.get(1).map(|s| s.to_string()).unwrap_or_default(),
                gid: f.get(2).map_or(0, |v| field_int(v)),
                members: f
                    .get(3)
                    .map(|m| m.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// The identity a process runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserIds {
    /// The user id.
    pub uid: u32,
    /// The primary group id.
    pub gid: u32,
    /// The supplementary groups as the kernel reports them (`getgroups`, `Groups:` in `/proc/self/status`):
    /// sorted, without duplicates. Docker always includes the primary gid.
    pub groups: Vec<u32>,
    /// The supplementary groups a BuildKit `RUN` step gets for the same `USER` (Docker 20.10): only the groups
    /// whose member list names the user, sorted; not the primary gid; none when the spec names a group.
    pub build_groups: Vec<u32>,
    /// The passwd entry's name when the user was found there.
    pub name: Option<String>,
    /// The home directory runc puts in `HOME` when the environment has none: the passwd entry's (which may be
    /// empty), or `/` when the uid has no entry.
    pub home: String,
}

/// Resolves a `USER` / `docker run -u` spec (`name`, `uid`, `name:group`, `uid:gid`, …) the way Docker starts
/// a container. `passwd`/`group` are the image's files (`None` when missing, which behaves like an empty file).
///
/// Rules (each checked against Docker 20.10): an empty user means `0`; a numeric user is looked up by uid only
/// (never by name) and need not exist (then gid 0, home `/`); a name must exist; an explicit group (name or
/// number) replaces the primary gid and leaves no other supplementary groups; without one, the supplementary
/// groups are the groups listing the user as a member. Numbers follow Go's `Atoi` (`+5` is 5, `0x10` is a name).
pub fn lookup_user(
    spec: &str,
    passwd: Option<&str>,
    group: Option<&str>,
) -> Result<UserIds, UserError> {
    let users = passwd.map(parse_passwd).unwrap_or_default();
    let groups = group.map(parse_group).unwrap_or_default();
    let mut fields = spec.split(':');
    let user_arg = match fields.next().unwrap_or("") {
        "" => "0",
        u => u,
    };
    let group_arg = fields.next().unwrap_or("");
    let uid_num = go_atoi(user_arg);
    let gid_num = go_atoi(group_arg);

    // The daemon's pass: who is it, which primary group, which member-of groups.
    let matched = users.iter().find(|u| match uid_num {
        Some(n) => u.uid == n,
        None => u.name == user_arg,
    });
    let (uid, mut gid, name) = match matched {
        Some(u) => (u.uid, u.gid, Some(u.name.clone())),
        None => {
            let n = uid_num.ok_or_else(|| UserError::NoSuchUser(user_arg.to_string()))?;
            check_range(n)?;
            (n, 0, None)
        }
    };
    let mut member_of: Vec<i64> = Vec::new();
    if !group_arg.is_empty() || name.as_deref().is_some_and(|n| !n.is_empty()) {
        if group_arg.is_empty() {
            let me = name.as_deref().unwrap_or("");
            member_of = groups
                .iter()
                .filter(|g| g.members.iter().any(|m| m == me))
                .map(|g| g.gid)
                .collect();
        } else {
            let found = groups.iter().find(|g| match gid_num {
                Some(n) => g.gid == n,
                None => g.name == group_arg,
            });
            gid = match found {
                Some(g) => g.gid,
                None => {
                    let n = gid_num.ok_or_else(|| UserError::NoSuchGroup(group_arg.to_string()))?;
                    check_range(n)?;
                    n
                }
            };
        }
    }

    // runc's pass: it gets "uid:gid" plus the gids as decimal strings and resolves those again, by name or
    // number (so a group *named* "7000" wins over gid 7000), and HOME from the first entry with that uid.
    let home = users
        .iter()
        .find(|u| u.uid == uid)
        .map_or_else(|| "/".to_string(), |u| u.home.clone());
    // Inserted one by one: collecting into a BTreeSet sorts first, with a copy of the standard sort of its own.
    let mut build_groups = BTreeSet::new();
    for &g in &member_of {
        build_groups.insert(to_u32(g));
    }
    let mut set = BTreeSet::new();
    for wanted in std::iter::once(gid).chain(member_of) {
        let text = wanted.to_string();
        let hit = groups
            .iter()
            .find(|g| (g.name == text || g.gid.to_string() == text) && !set.contains(&g.gid));
        set.insert(hit.map_or(wanted, |g| g.gid));
    }
    Ok(UserIds {
        uid: to_u32(uid),
        gid: to_u32(gid),
        groups: set.into_iter().map(to_u32).collect(),
        build_groups: build_groups.into_iter().collect(),
        name,
        home,
    })
}

/// Resolves `COPY --chown=user[:group]` / `ADD --chown` to `(uid, gid)` the way BuildKit (Docker 20.10) does.
///
/// Rules (each checked with real builds, `test_data/users/chown.txt`): `user` and `group` split at the first
/// `:`; `root` and numbers (Go `ParseInt(s, 10, 32)`, so `+5` and `-5` count) are ids, anything else a name;
/// an empty part is id 0. A numeric user alone sets the gid to the same number; a named user takes uid *and*
/// gid from its passwd entry (SEMANTICS §3.11's "the GID equals the UID" holds only for numbers). A name that is
/// not found is ignored without an error (the user stays 0:0, an unknown group keeps the user's gid); only a
/// missing `/etc/passwd` or `/etc/group` is an error, when a name needs it. `-1` means "leave unchanged", which
/// for a copied file is 0.
pub fn lookup_chown(
    spec: &str,
    passwd: Option<&str>,
    group: Option<&str>,
) -> Result<(u32, u32), UserError> {
    let (user_part, group_part) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let (mut uid, mut gid) = (0i64, 0i64);
    match chown_id(user_part) {
        Some(n) => (uid, gid) = (n, n),
        None => {
            let text = passwd.ok_or(UserError::MissingFile("/etc/passwd"))?;
            if let Some(u) = parse_passwd(text).into_iter().find(|u| u.name == user_part) {
                (uid, gid) = (u.uid, u.gid);
            }
        }
    }
    if let Some(group_part) = group_part {
        match chown_id(group_part) {
            Some(n) => gid = n,
            None => {
                let text = group.ok_or(UserError::MissingFile("/etc/group"))?;
                if let Some(g) = parse_group(text).into_iter().find(|g| g.name == group_part) {
                    gid = g.gid;
                }
            }
        }
    }
    let unchanged_is_root = |id: i64| {
        let id = to_u32(id);
        if id == u32::MAX {
            0
        } else {
            id
        }
    };
    Ok((unchanged_is_root(uid), unchanged_is_root(gid)))
}

/// A `--chown` part as an id: `""` is 0 (BuildKit sends an empty name as id 0), `root` is 0, else Go's
/// `ParseInt(s, 10, 32)`.
fn chown_id(s: &str) -> Option<i64> {
    if s.is_empty() || s == "root" {
        return Some(0);
    }
    go_atoi(s).filter(|n| (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(n))
}

fn check_range(n: i64) -> Result<(), UserError> {
    if (0..=MAX_ID).contains(&n) {
        Ok(())
    } else {
        Err(UserError::OutOfRange)
    }
}

/// Go's `strconv.Atoi` on a 64-bit machine: optional sign, decimal digits, must fit in an i64.
pub(crate) fn go_atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

/// A numeric field of passwd/group: runc ignores the parse error, leaving 0 (or Atoi's clamped value).
fn field_int(s: &str) -> i64 {
    go_atoi(s).unwrap_or_else(|| {
        let neg = s.starts_with('-');
        let digits = s.trim_start_matches(['+', '-']);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if neg {
                i64::MIN
            } else {
                i64::MAX
            }
        } else {
            0
        }
    })
}

/// An id as the kernel sees it (Go converts with `uint32(x)`, i.e. wrapping).
fn to_u32(n: i64) -> u32 {
    n as u32
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}
