//! `.dockerignore`: reading the file and matching context paths with Docker's rules (not gitignore's).
//!
//! (Interim minimal version so the engine compiles; the full one replaces it.)

use crate::pattern::{match_path, PatternError};

/// A parsed `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    rules: Vec<(String, bool)>,
}

impl DockerIgnore {
    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<DockerIgnore, PatternError> {
        let mut rules = Vec::new();
        for line in text.trim_start_matches('\u{feff}').lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut l = line.trim();
            if l.is_empty() {
                continue;
            }
            let mut exclude = true;
            if let Some(rest) = l.strip_prefix('!') {
                exclude = false;
                l = rest.trim();
                if l.is_empty() {
                    return Err(PatternError);
                }
            }
            let l = crate::copy::clean(&format!("/{l}"));
            rules.push((l.trim_start_matches('/').to_owned(), exclude));
        }
        Ok(DockerIgnore { rules })
    }

    /// Whether `path` (relative, `/`-separated) is excluded from the context.
    pub fn is_excluded(&self, path: &str) -> bool {
        let mut out = false;
        for (pat, exclude) in &self.rules {
            if matches_or_parent(pat, path) {
                out = *exclude;
            }
        }
        out
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn matches_or_parent(pat: &str, path: &str) -> bool {
    let mut p = path;
    loop {
        if glob(pat, p) {
            return true;
        }
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => return false,
        }
    }
}

fn glob(pat: &str, path: &str) -> bool {
    if let Some(rest) = pat.strip_prefix("**/") {
        let mut p = path;
        loop {
            if glob(rest, p) {
                return true;
            }
            match p.find('/') {
                Some(i) => p = &p[i + 1..],
                None => return false,
            }
        }
    }
    if pat == "**" {
        return true;
    }
    match_path(pat, path).unwrap_or(false)
}
