//! `.dockerignore`: reading the file and matching context paths with Docker's rules (not gitignore's).
//!
//! Start at [`DockerIgnore::parse`] and [`DockerIgnore::is_excluded`]. The rules, each checked against Docker
//! 20.10 with BuildKit (`test_data/dockerignore/cases/`, recorded by `test_data/dockerignore/record.py`):
//!
//! - Reading: a UTF-8 BOM on the first line is dropped; a line whose first character is `#` is a comment (a `#`
//!   after leading spaces is not); lines are trimmed; empty lines are skipped; a leading `!` (then trimmed again)
//!   makes an exception; the pattern is cleaned like a path (`./a`, `a/../b`, `a//b/`) and one leading `/` is
//!   dropped. A line that is only `!` is an error, and so is a pattern Go's `filepath.Match` rejects.
//! - Matching: each pattern becomes a regular expression, as Docker does: `*` is any run without `/`, `?` one
//!   character but `/`, `**` any number of directories (`**/` included, none allowed), `[…]` a class, `\x` an
//!   escape; `.` and `$` are literal; the other regexp characters (`+ ( ) | { } ^`) keep their regexp meaning in
//!   Docker 20.10 (`c+` matches `cc`, `x|y` matches everything starting with `x`), and do here too.
//! - A path is excluded when the last pattern that matches it (or its parent directory at the pattern's own depth:
//!   `build` excludes `build/x/y`) is not an exception.
//! - Directories: an excluded directory is not even walked, so nothing under it can be re-included, unless some
//!   exception's text starts with `<dir>/` (`dir` + `!dir/keep` works; `dir` + `!**/keep` does not). A directory
//!   walked that way is itself sent.
//!
//! Newer BuildKit (moby/patternmatcher) differs from 20.10 in two places, and this module follows 20.10: it checks
//! every parent directory rather than only the one at the pattern's depth, and it reads a leading `**foo` as
//! "ends with foo" (20.10: `foo` or `…/foo` only).

use crate::filepath_match::{check_pattern, PatternError};

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
}

/// One line of a `.dockerignore`, cleaned.
#[derive(Clone, Debug)]
struct IgnorePattern {
    /// The cleaned pattern without its `!`.
    text: String,
    /// A `!` line: matching paths are re-included.
    exclusion: bool,
    /// How many `/`-separated parts the pattern has (the parent-directory check looks at that depth).
    depth: usize,
    regex: Regex,
}

/// The ignore files that apply to a Dockerfile, most specific first: `<Dockerfile>.dockerignore` (next to the
/// Dockerfile: `build/app.Dockerfile` → `build/app.Dockerfile.dockerignore`), then `.dockerignore` at the context
/// root. The first that exists is used (checked with Docker 20.10 + BuildKit: case `dockerfile_specific`).
pub fn ignore_file_for(dockerfile_name: &str) -> [String; 2] {
    [
        format!("{dockerfile_name}.dockerignore"),
        ".dockerignore".to_string(),
    ]
}

impl DockerIgnore {
    /// Reads the text of a `.dockerignore`.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let mut lines = Vec::new();
        for (n, raw) in text.split('\n').enumerate() {
            let mut line = raw.strip_suffix('\r').unwrap_or(raw);
            if n == 0 {
                line = line.strip_prefix('\u{feff}').unwrap_or(line);
            }
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (invert, mut pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim().to_string()),
                None => (false, line.to_string()),
            };
            if !pattern.is_empty() {
                pattern = clean(&pattern);
                if pattern.len() > 1 && pattern.starts_with('/') {
                    pattern.remove(0);
                }
            }
            lines.push(if invert {
                format!("!{pattern}")
            } else {
                pattern
            });
        }
        Self::from_patterns(lines.iter().map(String::as_str))
    }

    /// Builds a matcher from pattern lines already read (`!` marks an exception), e.g. `COPY --exclude`'s.
    pub fn from_patterns<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, PatternError> {
        let mut out = Vec::new();
        for p in patterns {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            let p = clean(p);
            let (exclusion, text) = match p.strip_prefix('!') {
                Some("") => return Err(PatternError::BareExclusion),
                Some(rest) => (true, rest.to_string()),
                None => (false, p),
            };
            check_pattern(&text)?;
            let regex = Regex::parse(&translate(&text))?;
            out.push(IgnorePattern {
                depth: text.split('/').count(),
                text,
                exclusion,
                regex,
            });
        }
        Ok(DockerIgnore { patterns: out })
    }

    /// True when there are no patterns (nothing is excluded).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns as cleaned, with `!` on exceptions, in file order.
    pub fn patterns(&self) -> Vec<String> {
        self.patterns
            .iter()
            .map(|p| {
                if p.exclusion {
                    format!("!{}", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    /// Whether the file at `path` (relative to the context root, `/`-separated) is left out of the build
    /// context: it matches, or a directory above it is excluded and not walked.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.left_out(path, false)
    }

    /// Whether the directory at `path` is left out of the build context (see the module doc on directories).
    pub fn is_excluded_dir(&self, path: &str) -> bool {
        self.left_out(path, true)
    }

    /// Docker's pattern verdict for `path` alone (its `Matches`): the last matching line wins; a line also
    /// matches when it matches the parent directory at the pattern's depth. No directory-walk rule.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.trim_matches('/');
        let parent = match path.rfind('/') {
            Some(i) => &path[..i],
            None => "",
        };
        let parent_dirs: Vec<&str> = if parent.is_empty() {
            Vec::new()
        } else {
            parent.split('/').collect()
        };
        let mut matched = false;
        for p in &self.patterns {
            let mut hit = p.regex.is_match(path);
            if !hit && !parent_dirs.is_empty() && p.depth <= parent_dirs.len() {
                hit = p.regex.is_match(&parent_dirs[..p.depth].join("/"));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }

    fn left_out(&self, path: &str, is_dir: bool) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let path = path.trim_matches('/');
        let mut end = 0;
        while let Some(i) = path[end..].find('/') {
            let dir = &path[..end + i];
            if self.matches(dir) && !self.walked_into(dir) {
                return true;
            }
            end += i + 1;
        }
        self.matches(path) && !(is_dir && self.walked_into(path))
    }

    /// An excluded directory is still walked when an exception pattern starts with `<dir>/`.
    fn walked_into(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.patterns
            .iter()
            .any(|p| p.exclusion && format!("{}/", p.text).starts_with(&prefix))
    }
}

/// Go's `filepath.Clean` on a `/`-separated path.
fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// The regular expression Docker 20.10 makes of a pattern.
fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("^");
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i == chars.len() {
                    re.push_str(".*");
                } else {
                    re.push_str("(.*/)?");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '.' | '$' => {
                re.push('\\');
                re.push(c);
            }
            '\\' => {
                re.push('\\');
                if let Some(&n) = chars.get(i) {
                    re.push(n);
                    i += 1;
                }
            }
            _ => re.push(c),
        }
    }
    re.push('$');
    re
}

// A small regular-expression engine: just what Docker's translation can produce, with Go RE2 meanings.

#[derive(Clone, Debug)]
struct Regex {
    alts: Vec<Vec<Node>>,
    program: Vec<Inst>,
}

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Start,
    End,
    Group(Regex),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Regex {
    fn parse(re: &str) -> Result<Regex, PatternError> {
        let chars: Vec<char> = re.chars().collect();
        let mut pos = 0;
        let r = parse_alt(&chars, &mut pos)?;
        if pos != chars.len() {
            return Err(PatternError::BadPattern); // an unmatched `)`
        }
        let program = compile(&r)?;
        Ok(Regex { program, ..r })
    }

    /// Go's `MatchString`: a match anywhere (the anchors come from the pattern).
    fn is_match(&self, s: &str) -> bool {
        let s: Vec<char> = s.chars().collect();
        run(&self.program, &s)
    }
}

fn parse_alt(c: &[char], pos: &mut usize) -> Result<Regex, PatternError> {
    let mut alts = vec![Vec::new()];
    while *pos < c.len() {
        let ch = c[*pos];
        match ch {
            ')' => break,
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        *pos += 1;
        let seq = alts.last_mut().ok_or(PatternError::BadPattern)?;
        let atom = match ch {
            '(' => {
                let inner = parse_alt(c, pos)?;
                if c.get(*pos) != Some(&')') {
                    return Err(PatternError::BadPattern);
                }
                *pos += 1;
                Node::Group(inner)
            }
            '[' => parse_class(c, pos)?,
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => {
                let e = *c.get(*pos).ok_or(PatternError::BadPattern)?;
                *pos += 1;
                escape_node(e)
            }
            '*' | '+' | '?' => {
                let (min, max) = match ch {
                    '*' => (0, None),
                    '+' => (1, None),
                    _ => (0, Some(1)),
                };
                repeat(seq, min, max)?;
                continue;
            }
            '{' => match parse_braces(c, *pos) {
                Some((min, max, next)) => {
                    *pos = next;
                    repeat(seq, min, max)?;
                    continue;
                }
                None => Node::Char('{'),
            },
            _ => Node::Char(ch),
        };
        seq.push(atom);
    }
    Ok(Regex {
        alts,
        program: Vec::new(),
    })
}

fn repeat(seq: &mut Vec<Node>, min: u32, max: Option<u32>) -> Result<(), PatternError> {
    match seq.pop() {
        None | Some(Node::Repeat { .. }) | Some(Node::Start) | Some(Node::End) => {
            Err(PatternError::BadPattern)
        }
        Some(node) => {
            seq.push(Node::Repeat {
                node: Box::new(node),
                min,
                max,
            });
            Ok(())
        }
    }
}

/// `{n}`, `{n,}` or `{n,m}` starting after the `{`; anything else is a literal `{` in RE2.
fn parse_braces(c: &[char], start: usize) -> Option<(u32, Option<u32>, usize)> {
    let close = start + c[start..].iter().position(|&x| x == '}')?;
    let body: String = c[start..close].iter().collect();
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok().filter(|n| *n <= 1000)
    };
    let (min, max) = match body.split_once(',') {
        None => {
            let n = num(&body)?;
            (n, Some(n))
        }
        Some((a, "")) => (num(a)?, None),
        Some((a, b)) => (num(a)?, Some(num(b)?)),
    };
    if max.is_some_and(|m| m < min) {
        return None;
    }
    Some((min, max, close + 1))
}

fn escape_node(e: char) -> Node {
    let digits = vec![('0', '9')];
    let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    let space = vec![('\t', '\n'), ('\u{c}', '\r'), (' ', ' ')];
    match e {
        'd' => Node::Class {
            negated: false,
            ranges: digits,
        },
        'D' => Node::Class {
            negated: true,
            ranges: digits,
        },
        'w' => Node::Class {
            negated: false,
            ranges: word,
        },
        'W' => Node::Class {
            negated: true,
            ranges: word,
        },
        's' => Node::Class {
            negated: false,
            ranges: space,
        },
        'S' => Node::Class {
            negated: true,
            ranges: space,
        },
        _ => Node::Char(e),
    }
}

fn parse_class(c: &[char], pos: &mut usize) -> Result<Node, PatternError> {
    let negated = c.get(*pos) == Some(&'^');
    if negated {
        *pos += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let ch = *c.get(*pos).ok_or(PatternError::BadPattern)?;
        if ch == ']' && !first {
            *pos += 1;
            break;
        }
        first = false;
        *pos += 1;
        let lo = if ch == '\\' {
            let e = *c.get(*pos).ok_or(PatternError::BadPattern)?;
            *pos += 1;
            if let Node::Class {
                negated: false,
                ranges: r,
            } = escape_node(e)
            {
                ranges.extend(r);
                continue;
            }
            e
        } else {
            ch
        };
        let mut hi = lo;
        if c.get(*pos) == Some(&'-') && c.get(*pos + 1).is_some_and(|&n| n != ']') {
            *pos += 1;
            let h = c[*pos];
            *pos += 1;
            hi = if h == '\\' {
                let e = *c.get(*pos).ok_or(PatternError::BadPattern)?;
                *pos += 1;
                e
            } else {
                h
            };
            if hi < lo {
                return Err(PatternError::BadPattern);
            }
        }
        ranges.push((lo, hi));
    }
    Ok(Node::Class { negated, ranges })
}

/// One instruction of the compiled program (a Thompson NFA, run as a set of states: no recursion on the
/// input and no exponential blow-up, whatever the pattern).
#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Start,
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// The largest program a pattern may compile to (`{n,m}` copies its operand).
const MAX_PROGRAM: usize = 20_000;

fn compile(r: &Regex) -> Result<Vec<Inst>, PatternError> {
    let mut prog = Vec::new();
    emit_alts(r, &mut prog)?;
    prog.push(Inst::Match);
    Ok(prog)
}

fn emit_alts(r: &Regex, prog: &mut Vec<Inst>) -> Result<(), PatternError> {
    let mut jumps = Vec::new();
    for (i, seq) in r.alts.iter().enumerate() {
        let last = i + 1 == r.alts.len();
        let split = prog.len();
        if !last {
            prog.push(Inst::Split(split + 1, 0));
        }
        for node in seq {
            emit(node, prog)?;
        }
        if !last {
            jumps.push(prog.len());
            prog.push(Inst::Jmp(0));
            let next = prog.len();
            prog[split] = Inst::Split(split + 1, next);
        }
    }
    let end = prog.len();
    for j in jumps {
        prog[j] = Inst::Jmp(end);
    }
    Ok(())
}

fn emit(node: &Node, prog: &mut Vec<Inst>) -> Result<(), PatternError> {
    if prog.len() > MAX_PROGRAM {
        return Err(PatternError::BadPattern);
    }
    match node {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class { negated, ranges } => prog.push(Inst::Class {
            negated: *negated,
            ranges: ranges.clone(),
        }),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::Group(r) => emit_alts(r, prog)?,
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                emit(node, prog)?;
            }
            match max {
                None => {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    emit(node, prog)?;
                    prog.push(Inst::Jmp(split));
                    let out = prog.len();
                    prog[split] = Inst::Split(split + 1, out);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Split(0, 0));
                        emit(node, prog)?;
                    }
                    let out = prog.len();
                    for sp in splits {
                        prog[sp] = Inst::Split(sp + 1, out);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Adds `pc` and everything reachable from it without reading a character to `set`; `seen[pc] == stamp`
/// marks the states already in it.
fn add_state(
    prog: &[Inst],
    set: &mut Vec<usize>,
    seen: &mut [usize],
    stamp: usize,
    pc: usize,
    (at, len): (usize, usize),
) {
    let mut stack = vec![pc];
    while let Some(pc) = stack.pop() {
        if seen[pc] == stamp {
            continue;
        }
        seen[pc] = stamp;
        match &prog[pc] {
            Inst::Jmp(t) => stack.push(*t),
            Inst::Split(a, b) => {
                stack.push(*b);
                stack.push(*a);
            }
            Inst::Start => {
                if at == 0 {
                    stack.push(pc + 1);
                }
            }
            Inst::End => {
                if at == len {
                    stack.push(pc + 1);
                }
            }
            _ => set.push(pc),
        }
    }
}

/// Go's `MatchString` (a match anywhere; the anchors come from the pattern).
fn run(prog: &[Inst], s: &[char]) -> bool {
    let len = s.len();
    let mut current = Vec::new();
    let mut next = Vec::new();
    // seen[pc] == at + 1 when pc is already in the set for position `at`.
    let mut seen = vec![0usize; prog.len()];
    for at in 0..=len {
        // A new attempt may start at every position.
        add_state(prog, &mut current, &mut seen, at + 1, 0, (at, len));
        if current.iter().any(|&pc| matches!(prog[pc], Inst::Match)) {
            return true;
        }
        let Some(&c) = s.get(at) else {
            break;
        };
        next.clear();
        for &pc in &current {
            let step = match &prog[pc] {
                Inst::Char(x) => *x == c,
                Inst::Any => c != '\n',
                Inst::Class { negated, ranges } => {
                    ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
                }
                _ => false,
            };
            if step {
                add_state(prog, &mut next, &mut seen, at + 2, pc + 1, (at + 1, len));
            }
        }
        std::mem::swap(&mut current, &mut next);
    }
    false
}
