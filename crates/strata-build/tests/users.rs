//! passwd/group lookups: `COPY --chown` against BuildKit's recorded behaviour (`test_data/run/chown/`), and
//! `USER`/`docker run -u` edge cases (the full Docker comparison is in run_resolution.rs).

use std::path::{Path, PathBuf};

use strata_build::users::{
    lookup_chown, lookup_user, parse_group, parse_passwd, UserError, UserIds,
};

fn chown_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/run/chown")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(chown_dir().join(name)).unwrap()
}

#[test]
fn chown_matches_buildkit() {
    let (passwd, group) = (read("passwd"), read("group"));
    let observed = read("observed.txt");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in observed.lines().filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (base, spec, want) = (f[0], f[1], f[2]);
        let (p, g) = match base {
            "users" => (Some(passwd.as_str()), Some(group.as_str())),
            _ => (None, None),
        };
        let got = match lookup_chown(spec, p, g) {
            Ok((u, g)) => format!("{u}:{g}"),
            Err(e) => format!("error: {e}"),
        };
        n += 1;
        if got != want {
            failures.push(format!(
                "{base} --chown={spec}: buildkit {want}, strata {got}"
            ));
        }
    }
    assert!(n >= 40, "only {n} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n\
    \n  alice:x:1000:1000:Alice:/home/alice:/bin/sh  \n\
    #comment:x:5:5::/c:/bin/sh\n\
    odd:x:abc:12\n\
    twin:x:1000:77::/home/twin:/bin/sh\n";
const GROUP: &str = "root:x:0:\nwheel:x:10:root,alice\ntwin:x:77:\n1000:x:4242:\n";

#[test]
fn files_are_read_like_runc() {
    let p = parse_passwd(PASSWD);
    assert_eq!(p.len(), 5, "{p:?}");
    assert_eq!(p[1].name, "alice");
    assert_eq!(p[1].shell, "/bin/sh");
    assert_eq!(p[2].name, "#comment", "no comments in passwd");
    assert_eq!((p[3].uid, p[3].gid, p[3].home.as_str()), (0, 12, ""));
    let g = parse_group(GROUP);
    assert_eq!(g[1].members, ["root", "alice"]);
    assert_eq!(g[0].members, [""]);
}

fn user(spec: &str) -> Result<UserIds, UserError> {
    lookup_user(spec, Some(PASSWD), Some(GROUP))
}

#[test]
fn run_user_rules() {
    // First entry by name; HOME from the first entry with that uid.
    let a = user("alice").unwrap();
    assert_eq!((a.uid, a.gid, a.home.as_str()), (1000, 1000, "/home/alice"));
    // runc resolves the additional gid "1000" by name first: the group *named* 1000 (gid 4242).
    assert_eq!(a.groups, [10, 4242]);
    // A numeric uid matches by uid only; the first entry with uid 1000 is alice.
    let t = user("twin").unwrap();
    assert_eq!((t.uid, t.gid, t.home.as_str()), (1000, 77, "/home/alice"));
    assert_eq!(t.groups, [77]);
    let r = user("").unwrap();
    assert_eq!((r.uid, r.gid, r.groups.clone()), (0, 0, vec![0, 10]));
    assert_eq!(user(":wheel").unwrap().groups, [10]);
    assert_eq!(
        user("alice:nosuch").unwrap_err().to_string(),
        "unable to find group nosuch: no matching entries in group file"
    );
    assert_eq!(user("42:-3").unwrap_err(), UserError::OutOfRange);
    let n = lookup_user("7", None, None).unwrap();
    assert_eq!(
        (
            n.uid,
            n.gid,
            n.groups.clone(),
            n.home.as_str(),
            n.name.clone()
        ),
        (7, 0, vec![0], "/", None)
    );
}

#[test]
fn chown_edge_cases() {
    assert_eq!(
        lookup_chown("twin", Some(PASSWD), Some(GROUP)),
        Ok((1000, 77))
    );
    assert_eq!(
        lookup_chown("root:twin", Some(PASSWD), Some(GROUP)),
        Ok((0, 77))
    );
    assert_eq!(
        lookup_chown("root:twin", Some(PASSWD), None),
        Err(UserError::MissingFile("/etc/group"))
    );
    assert_eq!(
        lookup_chown("2147483647", None, None),
        Ok((2147483647, 2147483647))
    );
    assert_eq!(lookup_chown("", None, None), Ok((0, 0)));
}

#[test]
fn build_time_groups_match_buildkit_run() {
    let (passwd, group) = (read("passwd"), read("group"));
    let text = read("build_user.txt");
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let ids = lookup_user(f[0], Some(&passwd), Some(&group)).unwrap();
        assert_eq!(ids.uid.to_string(), f[1], "{line}");
        assert_eq!(ids.gid.to_string(), f[2], "{line}");
        if f[3] != "-" {
            let groups: Vec<String> = ids.build_groups.iter().map(u32::to_string).collect();
            assert_eq!(groups.join(" "), f[3], "{line}");
        }
        if f[4] != "-" {
            assert_eq!(ids.home, f[4], "{line}");
        }
        n += 1;
    }
    assert_eq!(n, 5);
    assert_eq!(
        lookup_user("nosuch", Some(&passwd), Some(&group))
            .unwrap_err()
            .to_string(),
        "unable to find user nosuch: no matching entries in passwd file"
    );
}
