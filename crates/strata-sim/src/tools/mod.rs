//! Modelled build tools: npm, yarn, pnpm and corepack; go; maven and gradle; cargo; dotnet; composer;
//! bundler; and python's venv. Nothing is compiled or downloaded: each tool reads the project's files
//! (package.json and its lock file, go.sum, pom.xml, build.gradle, Cargo.toml/Cargo.lock, the .csproj,
//! composer.lock, Gemfile.lock) and writes what the real tool would leave — `node_modules` with the locked
//! packages, the module and package caches, `target/NAME-VERSION.jar`, `target/release/NAME` — as
//! [`Content::modelled`] files of a plausible, deterministic size. Every run pushes a [`Note::Modelled`]
//! saying what it assumed, so the log shows `modelled: …` for the step.
//!
//! Dispatch ([`tool_for`]) is by the name the program was called by or the file's resolved name, once the
//! file exists in the image and is executable (the shell checks that before calling here).

mod cargo;
mod django;
mod dotnet;
mod gems;
mod go;
mod java;
mod jvm;
mod locks;
mod node;
mod php;
mod poetry;
mod system;
mod venv;

use strata_image::{Attrs, Content, NodeKind};

use crate::base::fnv;
use crate::exec::{Note, Proc};
use crate::packages::Res;

/// The tools modelled here, by program name.
const NAMES: &[&str] = &[
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "corepack",
    "go",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "cargo",
    "dotnet",
    "composer",
    "bundle",
    "bundler",
    "poetry",
    "docker-php-ext-install",
    "docker-php-ext-enable",
    "docker-php-ext-configure",
    "pecl",
    "a2enmod",
    "a2dismod",
    "a2ensite",
    "a2dissite",
    "a2enconf",
    "a2disconf",
    "update-ca-certificates",
];

/// The modelled tool for a program called `called` whose file resolves to `real` (`npm` for
/// `/usr/local/bin/npm` → `npm-cli.js`), if any.
pub fn tool_for(called: &str, real: &str, argv: &[String]) -> Option<&'static str> {
    if (called == "java" || real == "java") && java::handles(argv) {
        return Some("java");
    }
    if [called, real].iter().any(|n| n.starts_with("python")) && django::handles(argv) {
        return Some("django");
    }
    let strip = |n: &str| {
        n.strip_suffix(".js")
            .unwrap_or(n)
            .trim_end_matches("-cli")
            .to_owned()
    };
    [called, real]
        .iter()
        .map(|n| strip(n))
        .find_map(|n| NAMES.iter().find(|t| **t == n).copied())
}

/// Runs the modelled tool `tool` with `argv` and returns its exit status.
pub fn run(tool: &str, argv: &[String], p: &mut Proc<'_>) -> i32 {
    let res = match tool {
        "npm" | "npx" | "yarn" | "pnpm" | "corepack" => node::run(tool, argv, p),
        "go" => go::run(argv, p),
        "mvn" | "mvnw" => jvm::maven(argv, p),
        "gradle" | "gradlew" => jvm::gradle(argv, p),
        "cargo" => cargo::run(argv, p),
        "dotnet" => dotnet::run(argv, p),
        "composer" => php::composer(argv, p),
        "poetry" => poetry::run(argv, p),
        "update-ca-certificates" => system::update_ca(argv, p),
        t if t.starts_with("a2") => system::a2en(t, argv, p),
        "java" => java::run(argv, p),
        "django" => django::collectstatic(argv, p),
        "docker-php-ext-install"
        | "docker-php-ext-enable"
        | "docker-php-ext-configure"
        | "pecl" => php::ext(tool, argv, p),
        _ => gems::bundle(argv, p),
    };
    crate::packages::finish(tool, res, p)
}

/// `python -m venv DIR`.
pub fn venv(python: &str, argv: &[String], p: &mut Proc<'_>) -> i32 {
    let res = venv::create(python, argv, p);
    crate::packages::finish("venv", res, p)
}

/// A deterministic size in `lo..hi` for the thing named by `parts`.
pub(crate) fn size(parts: &[&str], lo: u64, hi: u64) -> u64 {
    lo + fnv(parts) % (hi - lo).max(1)
}

/// `path` made absolute against the working directory.
pub(crate) fn abs(p: &Proc<'_>, path: &str) -> String {
    let a = crate::packages::abs(p, path);
    let mut out: Vec<&str> = Vec::new();
    for c in a.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    format!("/{}", out.join("/"))
}

/// A text file of the project, if it is there.
pub(crate) fn read(p: &Proc<'_>, path: &str) -> Option<String> {
    crate::packages::read_text(p, &abs(p, path))
}

/// The user's home (`$HOME`, else `/root` for root).
pub(crate) fn home(p: &Proc<'_>) -> String {
    crate::packages::env(p, "HOME")
        .filter(|h| !h.is_empty())
        .unwrap_or(if p.identity.uid == 0 { "/root" } else { "/" })
        .trim_end_matches('/')
        .to_owned()
}

/// An environment variable, if set and not empty.
pub(crate) fn env(p: &Proc<'_>, key: &str) -> Option<String> {
    crate::packages::env(p, key)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn attrs(p: &Proc<'_>, mode: u32) -> Attrs {
    Attrs::new(mode, p.identity.uid, p.identity.gid, p.now)
}

/// Creates `dir` and its missing parents, owned by the user running the tool.
pub(crate) fn dir(p: &mut Proc<'_>, dir: &str) -> Res<()> {
    let mut cur = String::new();
    for c in dir.split('/').filter(|c| !c.is_empty()) {
        cur.push('/');
        cur.push_str(c);
        match p.fs.stat(&cur) {
            Ok(s) if s.is_dir() => {}
            Ok(_) => {
                p.fs.remove_all(&cur, p.now)?;
                let a = attrs(p, 0o755);
                p.fs.create(&cur, a, NodeKind::Dir)?;
            }
            Err(_) => {
                let a = attrs(p, 0o755);
                p.fs.create(&cur, a, NodeKind::Dir)?;
            }
        }
    }
    Ok(())
}

/// Writes a file (owned by the user running the tool), creating its parents; charged to the byte budget.
pub(crate) fn put(p: &mut Proc<'_>, path: &str, content: Content, mode: u32) -> Res<()> {
    p.budget.write(content.len())?;
    if let Some((parent, _)) = path.rsplit_once('/') {
        dir(p, parent)?;
    }
    if p.fs
        .lstat(path)
        .is_ok_and(|s| !matches!(s.kind, NodeKind::File(_)))
    {
        p.fs.remove_all(path, p.now)?;
    }
    let a = attrs(p, mode);
    p.fs.write(path, content, a, p.now)?;
    Ok(())
}

/// A modelled file of `size` bytes, its bytes seeded by its path.
pub(crate) fn blob(p: &mut Proc<'_>, path: &str, size: u64, mode: u32) -> Res<u64> {
    put(p, path, Content::modelled(size, fnv(&["tool", path])), mode)?;
    Ok(size)
}

/// A text file.
pub(crate) fn text(p: &mut Proc<'_>, path: &str, s: &str) -> Res<()> {
    put(p, path, Content::from_bytes(s.as_bytes().to_vec()), 0o644)
}

/// A symbolic link (replacing what is there).
pub(crate) fn link(p: &mut Proc<'_>, path: &str, target: &str) -> Res<()> {
    if let Some((parent, _)) = path.rsplit_once('/') {
        dir(p, parent)?;
    }
    if p.fs.lstat(path).is_ok() {
        p.fs.remove_all(path, p.now)?;
    }
    let a = attrs(p, 0o777);
    p.fs.create(path, a, NodeKind::Symlink(target.to_owned()))?;
    Ok(())
}

/// Pushes the step's `modelled:` note.
pub(crate) fn modelled(p: &mut Proc<'_>, argv: &[String], detail: String) {
    p.notes.push(Note::Modelled {
        command: argv.join(" "),
        detail,
    });
}

pub(crate) fn out(p: &mut Proc<'_>, s: &str) {
    p.stdout.extend_from_slice(s.as_bytes());
}

pub(crate) fn err(p: &mut Proc<'_>, s: &str) {
    p.stderr.extend_from_slice(s.as_bytes());
}

/// Whether `argv` has the flag `f` (also as `f=…`).
pub(crate) fn has(argv: &[String], f: &str) -> bool {
    argv.iter()
        .any(|a| a == f || a.strip_prefix(f).is_some_and(|r| r.starts_with('=')))
}

/// The value of `-o X` / `--output X` / `--output=X` style options named in `names`.
pub(crate) fn value(argv: &[String], names: &[&str]) -> Option<String> {
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        for n in names {
            if a == n {
                return it.next().cloned();
            }
            if let Some(v) = a.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_owned());
            }
        }
    }
    None
}

/// The operands of `argv[1..]` (arguments not starting with `-`), skipping the values of `takes`.
pub(crate) fn operands(argv: &[String], takes: &[&str]) -> Vec<String> {
    let mut v = Vec::new();
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        if takes.contains(&a.as_str()) {
            it.next();
        } else if !a.starts_with('-') {
            v.push(a.clone());
        }
    }
    v
}

/// A byte count for notes: `12.3 MB`.
pub(crate) fn mb(bytes: u64) -> String {
    crate::packages::si(bytes)
}

/// The value of `key = "v"` / `key: v` / `key 'v'` on the first line that starts with `key` (TOML,
/// gradle and YAML lines), quotes removed.
pub(crate) fn kv(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(key)?;
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix('=')
            .or_else(|| rest.strip_prefix(':'))
            .unwrap_or(rest)
            .trim();
        let v = rest.trim_matches(|c| c == '"' || c == '\'' || c == ';' || c == ',');
        (!v.is_empty()
            && !rest.is_empty()
            && (rest.starts_with(['"', '\'']) || !rest.contains(' ')))
        .then(|| v.to_owned())
    })
}

/// The text of the first `<tag>…</tag>` element in `xml` (no attributes on the tag).
pub(crate) fn xml_tag<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let s = xml.find(&open)? + open.len();
    let e = xml[s..].find(&close)? + s;
    Some(xml[s..e].trim())
}

/// `xml` without its `<tag …>…</tag>` elements.
pub(crate) fn xml_without(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = String::new();
    let mut rest = xml;
    while let Some(s) = rest.find(&open) {
        let after = &rest[s + open.len()..];
        if !after.starts_with(['>', ' ', '\n', '\t', '\r']) {
            out.push_str(&rest[..s + open.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..s]);
        match after.find(&close) {
            Some(e) => rest = &after[e + close.len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The regular files under `dir` (relative paths, sorted, at most `max`), following no symlinks.
pub(crate) fn walk(p: &Proc<'_>, dir: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let full = if rel.is_empty() {
            dir.to_owned()
        } else {
            format!("{dir}/{rel}")
        };
        let mut names = p.fs.read_dir(&full).unwrap_or_default();
        strata_image::sort::sort(&mut names);
        for n in names.into_iter().rev() {
            let r = if rel.is_empty() {
                n
            } else {
                format!("{rel}/{n}")
            };
            match p.fs.lstat(&format!("{dir}/{r}")) {
                Ok(s) if s.is_dir() => stack.push(r),
                Ok(s) if matches!(s.kind, NodeKind::File(_)) && out.len() < max => out.push(r),
                _ => {}
            }
        }
    }
    strata_image::sort::sort(&mut out);
    out
}

/// A short hex hash of `parts` (file names such as `index-4f2a9c1e.js`).
pub(crate) fn hash8(parts: &[&str]) -> String {
    format!("{:08x}", fnv(parts) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert_eq!(tool_for("npm", "npm-cli.js", &[]), Some("npm"));
        assert_eq!(tool_for("/usr/bin/x", "yarn.js", &[]), Some("yarn"));
        assert_eq!(tool_for("ls", "ls", &[]), None);
        assert_eq!(
            tool_for("java", "java", &["java".into(), "-jar".into()]),
            None
        );
        let a: Vec<String> = ["go", "build", "-o", "/app", "./..."]
            .map(String::from)
            .to_vec();
        assert_eq!(value(&a, &["-o"]).as_deref(), Some("/app"));
        assert_eq!(
            kv("name = \"web\"\nversion = \"0.1.0\"", "version").as_deref(),
            Some("0.1.0")
        );
        assert_eq!(xml_tag("<a><b>x</b></a>", "b"), Some("x"));
        assert_eq!(
            xml_without("<p><parent>q</parent><v>1</v></p>", "parent"),
            "<p><v>1</v></p>"
        );
    }
}
