//! Tag families: what a tag users write (`20`, `20.14-alpine3.19`, `lts-slim`, `3.9-eclipse-temurin-17`,
//! `8.2-fpm-alpine`, `21-jre-jammy`) means for a catalogue model, from the model's few family lines rather
//! than a list of every tag.
//!
//! | line | meaning |
//! |---|---|
//! | `versions V[:K=VAL,…]…` | the full versions modelled, newest first, each with its own `{K}` values (`%20` a space) |
//! | `alias WORD=PREFIX…` | tag words that stand for a version (`lts=22`, `latest=23`, `stable=1.26`) |
//! | `distros D…` | the systems the image is published on: `bookworm` (with `slim`), `alpine`, `ubuntu`, `oracle` |
//! | `default FLAG…` | the flags a tag without a system word gets (`bookworm`, `ubuntu`) |
//! | `group A B…` | variant words of which a tag has one; the first when it names none (`cli fpm apache`) |
//! | `words W…` | other variant words the model knows |
//! | `java N` | the Java major a tag without one gets (maven, gradle: `-eclipse-temurin-17`, `-jdk17`) |
//! | `repo NAME FLAG…` | the flags repository NAME (the last part of its path) gets: one file for several repositories (distroless's `cc-debian12` is `libc ssl cc`) |
//!
//! A tag is split at `-`: a version or alias first, then variant words. `alpine[X.Y]` sets `alpine` (and
//! `{ALPINE}`), `slim` sets `slim`, the Debian and Ubuntu code names set `bookworm` or `ubuntu` (`{UBUNTU}`;
//! `jammy` also sets `jammy`), `jdkN`/`jreN` a Java major (`jreN` also `jre`);
//! a system the image has no model of, a version not modelled, or a word not known gives a note, and the
//! nearest model answers.

/// What a tag resolved to: the version, the variant flags, the `{NAME}` values and any notes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    /// The full version (`20.18.1`).
    pub(crate) version: String,
    /// The variant flags (`alpine`, `slim`, `bookworm`, `fpm`, `jre`, the repository's last path part).
    pub(crate) flags: Vec<String>,
    /// The `{NAME}` values: `V`, `V1`, `V2`, `ALPINE`, `UBUNTU`, `JAVA` and the version's own.
    pub(crate) vars: Vec<(String, String)>,
    /// What stands in for what the tag asked for, said to the user.
    pub(crate) notes: Vec<String>,
}

/// The alpine release a bare `-alpine` tag means.
const ALPINE_DEFAULT: &str = "3.20";

fn directive<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .flat_map(str::split_whitespace)
        .collect()
}

/// Whether `version` is `prefix` or starts with it followed by a separator (`20` → `20.18.1`,
/// `21` → `21.0.5_11`, `8` → `8u432`).
fn version_matches(version: &str, prefix: &str) -> bool {
    version == prefix
        || version
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['.', '_', 'u', '-']))
}

fn major(v: &str) -> &str {
    v.split(['.', '_', 'u', '-']).next().unwrap_or(v)
}

/// Resolves `tag` of `repo` against the family lines of a model's `text`.
pub(crate) fn resolve(repo: &str, tag: &str, text: &str) -> Option<Resolved> {
    let versions: Vec<(&str, Vec<(&str, &str)>)> = directive(text, "versions")
        .into_iter()
        .map(|v| {
            let (v, extra) = v.split_once(':').unwrap_or((v, ""));
            let vars = extra
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            (v, vars)
        })
        .collect();
    let newest = versions.first()?.0;
    let aliases: Vec<(&str, &str)> = directive(text, "alias")
        .into_iter()
        .filter_map(|a| a.split_once('='))
        .collect();
    let distros = directive(text, "distros");
    let words = directive(text, "words");
    let groups: Vec<Vec<&str>> = text
        .lines()
        .filter_map(|l| l.strip_prefix("group "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    let mut out = Resolved::default();
    let mut vars: Vec<(String, String)> = Vec::new();
    let set = |vars: &mut Vec<(String, String)>, k: &str, v: &str| {
        vars.retain(|(n, _)| n != k);
        vars.push((k.to_string(), v.to_string()));
    };
    let mut flags: Vec<String> = Vec::new();
    let mut prefix: Option<String> = None;
    let mut java: Option<String> = directive(text, "java").first().map(|s| s.to_string());
    let tokens: Vec<&str> = tag.split('-').collect();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        i += 1;
        if i == 1 {
            if let Some((_, p)) = aliases.iter().find(|(a, _)| *a == t) {
                prefix = Some(p.to_string());
                continue;
            }
            if t.starts_with(|c: char| c.is_ascii_digit()) {
                prefix = Some(t.to_string());
                continue;
            }
        }
        match t {
            "alpine" => {
                flags.push("alpine".into());
                set(&mut vars, "ALPINE", ALPINE_DEFAULT);
            }
            _ if t.starts_with("alpine") && t[6..].starts_with(|c: char| c.is_ascii_digit()) => {
                flags.push("alpine".into());
                set(&mut vars, "ALPINE", &t[6..]);
            }
            "slim" => flags.push("slim".into()),
            "bookworm" | "debian" => flags.push("bookworm".into()),
            "oracle" | "oraclelinux8" | "oraclelinux9" => flags.push("oracle".into()),
            "bullseye" | "buster" | "trixie" | "stretch" => {
                flags.push("bookworm".into());
                out.notes.push(format!(
                    "Debian {t} is modelled by the Debian 12 (bookworm) model"
                ));
            }
            "jammy" => {
                flags.push("ubuntu".into());
                flags.push("jammy".into());
                set(&mut vars, "UBUNTU", "22.04");
            }
            "noble" => {
                flags.push("ubuntu".into());
                set(&mut vars, "UBUNTU", "24.04");
            }
            "focal" => {
                flags.push("ubuntu".into());
                flags.push("jammy".into());
                set(&mut vars, "UBUNTU", "22.04");
                out.notes
                    .push("Ubuntu 20.04 (focal) is modelled by the Ubuntu 22.04 model".into());
            }
            "eclipse" => {}
            "temurin" | "openjdk" | "amazoncorretto" | "corretto" | "sapmachine" | "graal"
            | "ibmjava" | "ibm" | "jdk"
                if tokens
                    .get(i)
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) =>
            {
                java = Some(tokens[i].to_string());
                i += 1;
                if t != "temurin" && t != "jdk" {
                    out.notes
                        .push(format!("the {t} JDK is modelled by Eclipse Temurin's"));
                }
            }
            _ if t.starts_with("jdk") && t[3..].starts_with(|c: char| c.is_ascii_digit()) => {
                java = Some(t[3..].to_string());
            }
            // tomcat's `-jre11`: a Java major and the JRE variant.
            _ if t.starts_with("jre") && t[3..].starts_with(|c: char| c.is_ascii_digit()) => {
                java = Some(t[3..].to_string());
                flags.push("jre".into());
            }
            _ if words.contains(&t) || groups.iter().any(|g| g.contains(&t)) => {
                flags.push(t.to_string())
            }
            _ => out.notes.push(format!(
                "the tag word `{t}` is not modelled: {repo}'s default variant stands in"
            )),
        }
    }
    // The system: one the image is published on, else its default.
    let has_system = |f: &Vec<String>| {
        f.iter()
            .any(|x| ["alpine", "bookworm", "ubuntu", "oracle"].contains(&x.as_str()))
    };
    if flags.iter().any(|f| f == "slim") && !has_system(&flags) {
        flags.push("bookworm".into());
    }
    for sys in ["alpine", "bookworm", "ubuntu", "oracle"] {
        if flags.iter().any(|f| f == sys) && !distros.contains(&sys) {
            out.notes.push(format!(
                "{repo} has no {sys} variant modelled: its default one stands in"
            ));
            flags.retain(|f| f != sys && f != "slim");
        }
    }
    if flags.iter().any(|f| f == "slim") && !distros.contains(&"slim") {
        flags.retain(|f| f != "slim");
    }
    if !has_system(&flags) {
        flags.extend(directive(text, "default").into_iter().map(str::to_string));
    }
    for g in &groups {
        if !g.iter().any(|w| flags.iter().any(|f| f == w)) {
            if let Some(first) = g.first() {
                flags.push(first.to_string());
            }
        }
    }
    if !flags.iter().any(|f| f == "ubuntu") {
        vars.retain(|(k, _)| k != "UBUNTU");
    } else if !vars.iter().any(|(k, _)| k == "UBUNTU") {
        set(&mut vars, "UBUNTU", "24.04");
    }
    // The version: the newest modelled one the prefix names, else the nearest.
    let prefix = prefix.unwrap_or_else(|| {
        aliases
            .iter()
            .find(|(a, _)| *a == "latest")
            .map_or(newest.to_string(), |(_, p)| p.to_string())
    });
    let (version, extra) = match versions.iter().find(|(v, _)| version_matches(v, &prefix)) {
        Some((v, e)) => (v.to_string(), e.clone()),
        None => {
            let near = versions
                .iter()
                .find(|(v, _)| major(v) == major(&prefix))
                .unwrap_or(&versions[0]);
            // A full version of a modelled line keeps its number (the files are the nearest one's).
            let same_shape = major(near.0) == major(&prefix)
                && prefix.matches('.').count() == near.0.matches('.').count();
            let v = if same_shape {
                prefix.clone()
            } else {
                near.0.to_string()
            };
            out.notes.push(format!(
                "{repo} {prefix} is not a version strata models: the {} model answers{}",
                near.0,
                if same_shape {
                    format!(", with {prefix} in its environment and paths")
                } else {
                    String::new()
                }
            ));
            let extra = if same_shape {
                Vec::new()
            } else {
                near.1.clone()
            };
            (v, extra)
        }
    };
    set(&mut vars, "V", &version);
    set(&mut vars, "V1", major(&version));
    let v2: Vec<&str> = version.split('.').take(2).collect();
    set(&mut vars, "V2", &v2.join("."));
    for (k, v) in extra {
        // `%20` in a `versions` value is a space (the line is split at spaces).
        set(&mut vars, k, &v.replace("%20", " "));
    }
    if let Some(j) = java {
        set(&mut vars, "JAVA", &j);
    }
    if let Some(last) = repo.rsplit('/').next() {
        for l in text.lines().filter_map(|l| l.strip_prefix("repo ")) {
            let mut w = l.split_whitespace();
            if w.next() == Some(last) {
                flags.extend(w.map(str::to_string));
            }
        }
        flags.push(last.to_string());
    }
    out.version = version;
    out.flags = flags;
    out.vars = vars;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: &str = "versions 23.3.0 22.12.0 20.18.1:YARN=1.22.22\nalias lts=22 latest=23 current=23\ndistros bookworm slim alpine\ndefault bookworm\n";

    fn flags(r: &Resolved) -> Vec<&str> {
        r.flags.iter().map(String::as_str).collect()
    }

    #[test]
    fn versions_at_any_precision() {
        let r = resolve("node", "20", NODE).unwrap();
        assert_eq!(r.version, "20.18.1");
        assert!(r.notes.is_empty());
        assert_eq!(flags(&r), ["bookworm", "node"]);
        assert!(r.vars.contains(&("YARN".into(), "1.22.22".into())));
        assert_eq!(resolve("node", "20.18", NODE).unwrap().version, "20.18.1");
        assert_eq!(
            resolve("node", "lts-slim", NODE).unwrap().version,
            "22.12.0"
        );
        let r = resolve("node", "20.14.0-alpine3.19", NODE).unwrap();
        assert_eq!(r.version, "20.14.0");
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(r.vars.contains(&("ALPINE".into(), "3.19".into())));
        let r = resolve("node", "20.14-alpine", NODE).unwrap();
        assert_eq!(r.version, "20.18.1");
        assert_eq!(r.notes.len(), 1);
        assert_eq!(resolve("node", "latest", NODE).unwrap().version, "23.3.0");
        assert_eq!(
            flags(&resolve("node", "slim", NODE).unwrap()),
            ["slim", "bookworm", "node"]
        );
        let r = resolve("node", "18-bullseye-slim", NODE).unwrap();
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
    }

    #[test]
    fn groups_and_java() {
        let php = "versions 8.3.14 8.2.26\ndistros bookworm alpine\ndefault bookworm\ngroup cli fpm apache\n";
        let r = resolve("php", "8.2-fpm-alpine", php).unwrap();
        assert_eq!(flags(&r), ["fpm", "alpine", "php"]);
        assert_eq!(
            flags(&resolve("php", "8.3", php).unwrap()),
            ["bookworm", "cli", "php"]
        );
        let maven = "versions 3.9.9\njava 21\ndistros ubuntu alpine\ndefault ubuntu\n";
        let r = resolve("maven", "3.9-eclipse-temurin-17", maven).unwrap();
        assert!(r.vars.contains(&("JAVA".into(), "17".into())));
        assert!(r.notes.is_empty());
        let r = resolve("maven", "3.9-jdk-11", maven).unwrap();
        assert!(r.vars.contains(&("JAVA".into(), "11".into())));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        let r = resolve("maven", "3-openjdk-11", maven).unwrap();
        assert!(r.vars.contains(&("JAVA".into(), "11".into())));
        assert_eq!(r.notes.len(), 1);
    }
}
