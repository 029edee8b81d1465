//! `docker run --env-file FILE`: docker's reading of an env file (`opts.ParseEnvFile` in the docker CLI).
//!
//! Each line is trimmed of leading whitespace; blank lines and lines starting with `#` are skipped; `K=V`
//! keeps `V` exactly (spaces included); a bare `K` takes `K` from the environment of the client (the
//! caller's `lookup`), and is dropped when it has none. The entries come before the `-e` values, so `-e`
//! wins for a name both set. Error texts are docker's (checked against Docker 20.10).

use crate::run::RunError;

/// The `K=V` entries of the env file `name` with content `bytes`; `lookup` gives a bare name's value from the
/// client's environment (`None`: not set).
pub fn parse(
    name: &str,
    bytes: &[u8],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, RunError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            return Err(RunError::EnvFile(format!(
                "env file {name} contains invalid utf8 bytes at line {}: {raw:?}",
                i + 1
            )));
        };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (variable, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        if variable.contains(char::is_whitespace) {
            return Err(RunError::EnvFile(format!(
                "poorly formatted environment: variable '{variable}' contains whitespaces"
            )));
        }
        if variable.is_empty() {
            return Err(RunError::EnvFile(format!(
                "poorly formatted environment: no variable name on line '{line}'"
            )));
        }
        match value {
            Some(v) => out.push(format!("{variable}={v}")),
            None => {
                if let Some(v) = lookup(variable) {
                    out.push(format!("{variable}={v}"));
                }
            }
        }
    }
    Ok(out)
}

/// The error for an env file that cannot be opened, as docker words it.
pub fn not_found(name: &str) -> RunError {
    RunError::EnvFile(format!("open {name}: no such file or directory"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_reading_of_an_env_file() {
        let none = |_: &str| None;
        let got = parse("e.env", b"# c\n\nA=1\n  B=two words\nC\nD= x \n", &none).unwrap();
        assert_eq!(got, ["A=1", "B=two words", "D= x "]);
        let set = |k: &str| (k == "C").then(|| "from-here".to_string());
        assert_eq!(parse("e", b"C\n", &set).unwrap(), ["C=from-here"]);
        let e = |b: &[u8]| parse("bad.env", b, &none).unwrap_err().to_string();
        assert_eq!(
            e(b"A B=1\n"),
            "poorly formatted environment: variable 'A B' contains whitespaces"
        );
        assert_eq!(
            e(b"=1\n"),
            "poorly formatted environment: no variable name on line '=1'"
        );
        assert_eq!(
            not_found("nosuch.env").to_string(),
            "open nosuch.env: no such file or directory"
        );
    }
}
