//! Two distribution helpers real Dockerfiles call: Debian's apache2 `a2enmod`/`a2dismod`/`a2ensite`/
//! `a2dissite`/`a2enconf`/`a2disconf` (a link in `*-enabled/` to `../*-available/NAME.{load,conf}`), and
//! `update-ca-certificates` (the certificates under `/usr/local/share/ca-certificates` appended to
//! `/etc/ssl/certs/ca-certificates.crt`, each linked as `/etc/ssl/certs/NAME.pem`).

use super::{err, link, modelled, out, read, text, walk};
use crate::exec::Proc;
use crate::packages::Res;

/// `a2enmod NAME…` and its siblings.
pub(super) fn a2en(tool: &str, argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let (enable, rest) = match tool.strip_prefix("a2en") {
        Some(r) => (true, r),
        None => (false, tool.strip_prefix("a2dis").unwrap_or("conf")),
    };
    let (kind, exts, what): (&str, &[&str], &str) = match rest {
        "mod" => ("mods", &["load", "conf"], "Module"),
        "site" => ("sites", &["conf"], "Site"),
        _ => ("conf", &["conf"], "Conf"),
    };
    let root = super::env(p, "APACHE_CONFDIR").unwrap_or_else(|| "/etc/apache2".into());
    let avail = format!("{root}/{kind}-available");
    let known = p.fs.read_dir(&avail).unwrap_or_default();
    let mut done = Vec::new();
    for name in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        let name = name.trim_end_matches(".conf").trim_end_matches(".load");
        let files: Vec<&&str> = exts
            .iter()
            .filter(|e| known.contains(&format!("{name}.{e}")))
            .collect();
        if !known.is_empty() && files.is_empty() {
            err(p, &format!("ERROR: {what} {name} does not exist!\n"));
            return Ok(1);
        }
        let files: Vec<&str> = if files.is_empty() {
            vec![exts[0]]
        } else {
            files.into_iter().copied().collect()
        };
        for e in files {
            let l = format!("{root}/{kind}-enabled/{name}.{e}");
            if enable {
                link(p, &l, &format!("../{kind}-available/{name}.{e}"))?;
            } else {
                crate::packages::remove(p, &l);
            }
        }
        let verb = if enable { "Enabling" } else { "Disabling" };
        out(
            p,
            &format!("{verb} {} {name}.\n", what.to_ascii_lowercase()),
        );
        done.push(name.to_owned());
    }
    out(
        p,
        "To activate the new configuration, you need to run:\n  service apache2 restart\n",
    );
    modelled(
        p,
        argv,
        format!(
            "{} {} in {root}/{kind}-enabled",
            if enable { "linked" } else { "unlinked" },
            done.join(", ")
        ),
    );
    Ok(0)
}

/// `update-ca-certificates`.
pub(super) fn update_ca(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let local = "/usr/local/share/ca-certificates";
    let bundle = "/etc/ssl/certs/ca-certificates.crt";
    let mut text_now = read(p, bundle).unwrap_or_default();
    let mut added = 0;
    for f in walk(p, local, 1_000)
        .into_iter()
        .filter(|f| f.ends_with(".crt"))
    {
        let pem = format!(
            "/etc/ssl/certs/{}.pem",
            f.trim_end_matches(".crt").replace('/', "_")
        );
        if p.fs.lstat(&pem).is_ok() {
            continue;
        }
        let body = read(p, &format!("{local}/{f}")).unwrap_or_default();
        text_now.push_str(&body);
        if !body.ends_with('\n') {
            text_now.push('\n');
        }
        link(p, &pem, &format!("{local}/{f}"))?;
        added += 1;
    }
    if p.fs.stat(bundle).is_ok() || added > 0 {
        let existing = p.fs.stat(bundle).map(|s| s.size()).unwrap_or(0);
        if added > 0 || existing == 0 {
            text(p, bundle, &text_now)?;
        }
    } else {
        err(p, "WARNING: ca-certificates.crt does not contain exactly one certificate or CRL: skipping\n");
    }
    out(
        p,
        &format!("Updating certificates in /etc/ssl/certs...\n{added} added, 0 removed; done.\n"),
    );
    modelled(
        p,
        argv,
        format!("{added} certificates of {local} added to {bundle}"),
    );
    Ok(0)
}
