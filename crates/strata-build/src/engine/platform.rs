//! `FROM --platform=…`: the value expanded against the meta args (so `$BUILDPLATFORM` and the other
//! predefined platform args work), then parsed as containerd's `platforms.Parse` does, with its errors.
//! strata builds for linux/amd64, BuildKit's platform on the machines it is checked against; another
//! platform is accepted with a warning that the linux/amd64 image is used.

use strata_dockerfile::instructions::Stage;
use strata_dockerfile::shell::Lexer;
use strata_dockerfile::Diagnostic;

use crate::BuildError;

/// The warning code of a `FROM --platform` strata does not build for.
pub const OTHER_PLATFORM: &str = "SD0092";

/// Checks every stage's `--platform` (BuildKit does it for all stages, used or not, in file order); returns
/// a warning for each stage that names a platform other than linux/amd64, with the stage's index.
pub(super) fn check_platforms(
    lexer: &Lexer,
    stages: &[Stage],
    meta_env: &[(String, String)],
) -> Result<Vec<(usize, Diagnostic)>, BuildError> {
    let mut out = Vec::new();
    for stage in stages {
        let Some(raw) = &stage.platform else { continue };
        let value = lexer.process_word(raw, &meta_env).map_err(|e| {
            BuildError::at(
                stage.span,
                format!(
                    "failed to process arguments for platform {raw}: {}",
                    e.message
                ),
            )
        })?;
        let platform = parse(&value).map_err(|e| {
            BuildError::at(
                stage.span,
                format!("failed to parse platform {value}: {e}: invalid argument"),
            )
        })?;
        if platform != "linux/amd64" {
            out.push((
                stage.index,
                Diagnostic::warning(
                    OTHER_PLATFORM,
                    stage.span,
                    format!(
                        "--platform={value} ({platform}): strata builds linux/amd64 images only, so this stage \
                         uses the linux/amd64 image"
                    ),
                ),
            ));
        }
    }
    Ok(out)
}

/// containerd's `platforms.Parse`, normalised to `os/arch[/variant]`, or its error text.
fn parse(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split('/').collect();
    for p in &parts {
        let ok = !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(format!(
                "{p:?} is an invalid component of {s:?}: platform specifier component must match \"^[A-Za-z0-9_-]+$\""
            ));
        }
    }
    let lower: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    let (os, arch, variant) = match lower.as_slice() {
        [one] => {
            if KNOWN_OS.contains(&normalize_os(one)) {
                (
                    normalize_os(one).to_owned(),
                    "amd64".to_owned(),
                    String::new(),
                )
            } else {
                let (arch, variant) = normalize_arch(one, "");
                if !KNOWN_ARCH.contains(&arch.as_str()) {
                    return Err(format!("{s:?}: unknown operating system or architecture"));
                }
                ("linux".to_owned(), arch, variant)
            }
        }
        [os, arch] => {
            let (arch, variant) = normalize_arch(arch, "");
            (normalize_os(os).to_owned(), arch, variant)
        }
        [os, arch, variant] => {
            let (arch, variant) = normalize_arch(arch, variant);
            (normalize_os(os).to_owned(), arch, variant)
        }
        _ => return Err(format!("{s:?}: cannot parse platform specifier")),
    };
    Ok(if variant.is_empty() {
        format!("{os}/{arch}")
    } else {
        format!("{os}/{arch}/{variant}")
    })
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

fn normalize_os(os: &str) -> &str {
    if os == "macos" {
        "darwin"
    } else {
        os
    }
}

/// containerd's `normalizeArch`.
fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let (a, v) = match (arch, variant) {
        ("i386", _) => ("386", ""),
        ("x86_64" | "x86-64" | "amd64", "v1") => ("amd64", ""),
        ("x86_64" | "x86-64", v) => ("amd64", v),
        ("aarch64" | "arm64", "8" | "v8") => ("arm64", ""),
        ("aarch64", v) => ("arm64", v),
        ("armhf", _) => ("arm", "v7"),
        ("armel", _) => ("arm", "v6"),
        ("arm", "" | "7") => ("arm", "v7"),
        ("arm", "5" | "6" | "8") => ("arm", variant),
        (a, v) => (a, v),
    };
    let v = match (a, v) {
        ("arm", "5") => "v5",
        ("arm", "6") => "v6",
        ("arm", "8") => "v8",
        (_, v) => v,
    };
    (a.to_owned(), v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn platforms_parse_as_containerd_does() {
        assert_eq!(parse("linux/amd64").unwrap(), "linux/amd64");
        assert_eq!(parse("linux/x86_64").unwrap(), "linux/amd64");
        assert_eq!(parse("amd64").unwrap(), "linux/amd64");
        assert_eq!(parse("linux").unwrap(), "linux/amd64");
        assert_eq!(parse("linux/arm64/v8").unwrap(), "linux/arm64");
        assert_eq!(parse("linux/arm/v7").unwrap(), "linux/arm/v7");
        // What docker 20.10's BuildKit said (`failed to parse platform …: …: invalid argument`).
        assert_eq!(
            parse("").unwrap_err(),
            "\"\" is an invalid component of \"\": platform specifier component must match \"^[A-Za-z0-9_-]+$\""
        );
        assert_eq!(
            parse("bogus").unwrap_err(),
            "\"bogus\": unknown operating system or architecture"
        );
    }
}
