//! What the user is working on: the Dockerfile, the build context's files and the `docker run` line.
//!
//! A [`Project`] is what a build and a run read, what a share link and autosave store, and what a lesson
//! loads. It is plain data (serde), so it crosses to the build worker and into the URL unchanged.

use serde::{Deserialize, Serialize};

/// One file of the build context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextFile {
    /// Its path relative to the context root, `/`-separated, without a leading `/` (`app/while.sh`).
    pub path: String,
    /// Its bytes (text for files typed in the page; anything for uploads).
    pub data: Vec<u8>,
    /// True when the file has its exec bit set (mode 0755 rather than 0644).
    #[serde(default)]
    pub executable: bool,
}

impl ContextFile {
    /// A text file, not executable.
    pub fn text(path: &str, text: &str) -> ContextFile {
        ContextFile {
            path: path.to_string(),
            data: text.as_bytes().to_vec(),
            executable: false,
        }
    }

    /// The same file with its exec bit set.
    pub fn executable(mut self) -> ContextFile {
        self.executable = true;
        self
    }

    /// The file's Unix permission bits.
    pub fn mode(&self) -> u32 {
        if self.executable {
            0o755
        } else {
            0o644
        }
    }
}

/// The run line a project starts with when it names none: it runs the image the page builds.
pub const DEFAULT_RUN_LINE: &str = "docker run --rm playground";

/// The Dockerfile, its build context and the run line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Project {
    /// The Dockerfile's text.
    pub dockerfile: String,
    /// The build context's files, `.dockerignore` among them when there is one, sorted by path.
    #[serde(default)]
    pub files: Vec<ContextFile>,
    /// The `docker run …` line the run panel resolves and runs.
    #[serde(default)]
    pub run_line: String,
}

impl Project {
    /// The `.dockerignore` text, when the context has one.
    pub fn dockerignore(&self) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.path == ".dockerignore")
            .map(|f| f.data.as_slice())
    }
}
