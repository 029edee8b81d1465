//! Word expansion: parameters, command substitution, arithmetic, field splitting, pathname expansion and
//! quote removal, in that order (POSIX 2.6).

use super::arith;
use super::ast::{Param, ParamOp, Word, WordPart};
use super::fnmatch::{self, PChar};
use super::interp::{Ctl, Shell};

/// A character of a word being expanded.
#[derive(Clone, Copy, Debug)]
struct Ch {
    c: char,
    /// Quoted: not special to globbing.
    quoted: bool,
    /// Came from an unquoted expansion: subject to field splitting.
    split: bool,
}

/// Fields being built.
#[derive(Default)]
struct Acc {
    fields: Vec<(Vec<Ch>, bool)>,
    cur: Vec<Ch>,
    /// The current field had a quoted part (so it survives even when empty).
    keep: bool,
}

impl Acc {
    fn push_str(&mut self, s: &str, quoted: bool, split: bool) {
        self.cur.extend(s.chars().map(|c| Ch { c, quoted, split }));
    }
    fn break_field(&mut self) {
        let cur = std::mem::take(&mut self.cur);
        self.fields.push((cur, true));
        self.keep = false;
    }
}

struct ShellVars<'s, 'a>(&'s mut Shell<'a>);

impl arith::Vars for ShellVars<'_, '_> {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get_var(name).map(str::to_owned)
    }
    fn set(&mut self, name: &str, value: String) -> Result<(), String> {
        self.0.set_var(name, &value)
    }
}

impl Shell<'_> {
    /// Expands a word into fields (splitting and globbing).
    pub fn expand_word(&mut self, w: &Word) -> Result<Vec<String>, Ctl> {
        if self.st.brace {
            if let Some(words) = brace_expand(w) {
                let mut out = Vec::new();
                for w in words {
                    out.extend(self.expand_word_nb(&w)?);
                }
                return Ok(out);
            }
        }
        self.expand_word_nb(w)
    }

    fn expand_word_nb(&mut self, w: &Word) -> Result<Vec<String>, Ctl> {
        // Fast path: plain text without glob characters.
        if let [WordPart::Lit(s)] = &w[..] {
            if !s.contains(['*', '?', '[']) {
                return Ok(vec![s.clone()]);
            }
        }
        // "$@" alone with no parameters: no field at all.
        if let [WordPart::Double(inner)] = &w[..] {
            if let [WordPart::Param(p)] = &inner[..] {
                if p.name == "@" && p.op == ParamOp::Plain && self.st.positional.is_empty() {
                    return Ok(Vec::new());
                }
            }
        }
        let mut acc = Acc::default();
        for part in w {
            self.expand_part(part, &mut acc, false)?;
        }
        let mut fields = acc.fields;
        fields.push((acc.cur, acc.keep));
        let ifs = self.get_var("IFS").unwrap_or(" \t\n").to_owned();
        let mut out = Vec::new();
        for (chars, keep) in fields {
            for f in split_fields(&chars, &ifs, keep) {
                let pat: Vec<PChar> = f.iter().map(|c| (c.c, c.quoted)).collect();
                if !self.st.opts.noglob && fnmatch::has_magic(&pat) {
                    let found = self.glob(&pat);
                    if !found.is_empty() {
                        out.extend(found);
                        continue;
                    }
                }
                out.push(fnmatch::literal(&pat));
            }
        }
        Ok(out)
    }

    /// Expands a word to one string (no splitting, no globbing): assignments, redirection targets, `case`.
    pub fn expand_string(&mut self, w: &Word) -> Result<String, Ctl> {
        let mut acc = Acc::default();
        for part in w {
            self.expand_part(part, &mut acc, false)?;
        }
        let mut s = String::new();
        for (f, _) in acc.fields {
            s.extend(f.iter().map(|c| c.c));
            s.push(' ');
        }
        s.extend(acc.cur.iter().map(|c| c.c));
        Ok(s)
    }

    /// Expands a word to a pattern (quoted characters match themselves).
    pub fn expand_pattern(&mut self, w: &Word) -> Result<Vec<PChar>, Ctl> {
        let mut acc = Acc::default();
        for part in w {
            self.expand_part(part, &mut acc, false)?;
        }
        let mut out: Vec<PChar> = Vec::new();
        for (f, _) in acc.fields {
            out.extend(f.iter().map(|c| (c.c, c.quoted)));
            out.push((' ', true));
        }
        out.extend(acc.cur.iter().map(|c| (c.c, c.quoted)));
        Ok(out)
    }

    fn expand_part(&mut self, part: &WordPart, acc: &mut Acc, in_dq: bool) -> Result<(), Ctl> {
        match part {
            WordPart::Lit(s) => acc.push_str(s, in_dq, false),
            WordPart::Quoted(s) => {
                acc.keep = true;
                acc.push_str(s, true, false);
            }
            WordPart::Double(parts) => {
                acc.keep = true;
                for p in parts {
                    if let WordPart::Param(pp) = p {
                        if pp.name == "@" && pp.op == ParamOp::Plain {
                            let pos = self.st.positional.clone();
                            for (i, a) in pos.iter().enumerate() {
                                if i > 0 {
                                    acc.break_field();
                                    acc.keep = true;
                                }
                                acc.push_str(a, true, false);
                            }
                            continue;
                        }
                    }
                    self.expand_part(p, acc, true)?;
                }
            }
            WordPart::Tilde(user) => {
                let home = if user.is_empty() {
                    self.get_var("HOME").map(str::to_owned)
                } else {
                    self.home_of(user)
                };
                match home {
                    Some(h) => acc.push_str(&h, true, false),
                    None => acc.push_str(&format!("~{user}"), true, false),
                }
            }
            WordPart::Param(p) => {
                if !in_dq && (p.name == "@" || p.name == "*") && p.op == ParamOp::Plain {
                    let pos = self.st.positional.clone();
                    for (i, a) in pos.iter().enumerate() {
                        if i > 0 {
                            acc.push_str(" ", false, true);
                        }
                        acc.push_str(a, false, true);
                    }
                    return Ok(());
                }
                let v = self.param(p, in_dq)?;
                acc.push_str(&v, in_dq, !in_dq);
            }
            WordPart::CmdSub(cmds) => {
                let v = self.capture(cmds)?;
                acc.push_str(&v, in_dq, !in_dq);
            }
            WordPart::Arith(parts) => {
                let mut a2 = Acc::default();
                for p in parts {
                    self.expand_part(p, &mut a2, true)?;
                }
                let text: String = a2.cur.iter().map(|c| c.c).collect();
                let r = arith::eval(&text, &mut ShellVars(self));
                match r {
                    Ok(v) => acc.push_str(&v.to_string(), in_dq, !in_dq),
                    Err(e) => {
                        self.shell_err(&e)?;
                        return Err(Ctl::Exit(2));
                    }
                }
            }
        }
        Ok(())
    }

    /// The value of a special or ordinary parameter.
    pub fn param_get(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "#" => Some(self.st.positional.len().to_string()),
            "$" => Some(self.pid.to_string()),
            "!" => None,
            "-" => {
                let mut s = String::new();
                if self.st.flags_cs.0 {
                    s.push('c');
                }
                if self.st.opts.errexit {
                    s.push('e');
                }
                if self.st.opts.noglob {
                    s.push('f');
                }
                if self.st.opts.nounset {
                    s.push('u');
                }
                if self.st.opts.xtrace {
                    s.push('x');
                }
                if self.st.flags_cs.1 {
                    s.push('s');
                }
                Some(s)
            }
            "@" | "*" => {
                let sep = match self.get_var("IFS") {
                    Some(ifs) => ifs
                        .chars()
                        .next()
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    None => " ".to_owned(),
                };
                Some(
                    self.st
                        .positional
                        .join(if name == "@" { " " } else { &sep }),
                )
            }
            "0" => Some(self.st.arg0.clone()),
            "LINENO" if !self.st.vars.contains_key("LINENO") => Some(self.lineno().to_string()),
            "RANDOM" if !self.st.vars.contains_key("RANDOM") => {
                // Deterministic: the same build gives the same numbers.
                let n = self
                    .random
                    .get()
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                self.random.set(n);
                Some(((n >> 33) % 32768).to_string())
            }
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().ok()?;
                self.st.positional.get(i.checked_sub(1)?).cloned()
            }
            n => self.get_var(n).map(str::to_owned),
        }
    }

    fn param(&mut self, p: &Param, in_dq: bool) -> Result<String, Ctl> {
        let val = self.param_get(&p.name);
        let is_set = match &val {
            None => false,
            Some(v) => !(p.colon && v.is_empty()),
        };
        match p.op {
            ParamOp::Plain => match val {
                Some(v) => Ok(v),
                None => {
                    if self.st.opts.nounset && p.name != "@" && p.name != "*" {
                        self.shell_err(&format!("{}: parameter not set", p.name))?;
                        return Err(Ctl::Exit(2));
                    }
                    Ok(String::new())
                }
            },
            ParamOp::Length => {
                if val.is_none() && self.st.opts.nounset {
                    self.shell_err(&format!("{}: parameter not set", p.name))?;
                    return Err(Ctl::Exit(2));
                }
                Ok(val.unwrap_or_default().chars().count().to_string())
            }
            ParamOp::Default => {
                if is_set {
                    Ok(val.unwrap_or_default())
                } else {
                    self.arg_string(&p.arg, in_dq)
                }
            }
            ParamOp::Assign => {
                if is_set {
                    Ok(val.unwrap_or_default())
                } else {
                    let v = self.arg_string(&p.arg, in_dq)?;
                    if let Err(e) = self.set_var(&p.name, &v) {
                        self.shell_err(&e)?;
                        return Err(Ctl::Exit(2));
                    }
                    Ok(v)
                }
            }
            ParamOp::Alternative => {
                if is_set {
                    self.arg_string(&p.arg, in_dq)
                } else {
                    Ok(String::new())
                }
            }
            ParamOp::Error => {
                if is_set {
                    Ok(val.unwrap_or_default())
                } else {
                    let msg = self.arg_string(&p.arg, in_dq)?;
                    let msg = if msg.is_empty() {
                        "parameter not set".to_owned()
                    } else {
                        msg
                    };
                    self.shell_err(&format!("{}: {msg}", p.name))?;
                    Err(Ctl::Exit(2))
                }
            }
            ParamOp::ReplaceFirst | ParamOp::ReplaceAll => {
                let v: Vec<char> = val.unwrap_or_default().chars().collect();
                let pat = self.expand_pattern(&p.arg)?;
                let repl = match &p.arg2 {
                    Some(w) => self.expand_string(w)?,
                    None => String::new(),
                };
                if pat.is_empty() {
                    return Ok(v.iter().collect());
                }
                let mut out = String::new();
                let mut i = 0;
                let mut done = false;
                while i < v.len() {
                    if !done {
                        if let Some(j) = (i + 1..=v.len())
                            .rev()
                            .find(|&j| fnmatch::matches(&pat, &v[i..j]))
                        {
                            out.push_str(&repl);
                            i = j;
                            if p.op == ParamOp::ReplaceFirst {
                                done = true;
                            }
                            continue;
                        }
                    }
                    out.push(v[i]);
                    i += 1;
                }
                Ok(out)
            }
            ParamOp::Substring => {
                let v: Vec<char> = val.unwrap_or_default().chars().collect();
                let n = v.len() as i64;
                let off_text = self.expand_string(&p.arg)?;
                let off = match arith::eval(&off_text, &mut ShellVars(self)) {
                    Ok(o) => o,
                    Err(e) => {
                        self.shell_err(&e)?;
                        return Err(Ctl::Exit(2));
                    }
                };
                let start = if off < 0 {
                    (n + off).max(0)
                } else {
                    off.min(n)
                };
                let end = match &p.arg2 {
                    None => n,
                    Some(w) => {
                        let t = self.expand_string(w)?;
                        let len = match arith::eval(&t, &mut ShellVars(self)) {
                            Ok(l) => l,
                            Err(e) => {
                                self.shell_err(&e)?;
                                return Err(Ctl::Exit(2));
                            }
                        };
                        if len < 0 {
                            (n + len).max(start)
                        } else {
                            (start + len).min(n)
                        }
                    }
                };
                Ok(v[start as usize..end.max(start) as usize].iter().collect())
            }
            ParamOp::RemoveSmallestPrefix
            | ParamOp::RemoveLargestPrefix
            | ParamOp::RemoveSmallestSuffix
            | ParamOp::RemoveLargestSuffix => {
                let v: Vec<char> = val.unwrap_or_default().chars().collect();
                let pat = self.expand_pattern(&p.arg)?;
                let n = v.len();
                let r: String = match p.op {
                    ParamOp::RemoveSmallestPrefix => (0..=n)
                        .find(|&i| fnmatch::matches(&pat, &v[..i]))
                        .map(|i| v[i..].iter().collect()),
                    ParamOp::RemoveLargestPrefix => (0..=n)
                        .rev()
                        .find(|&i| fnmatch::matches(&pat, &v[..i]))
                        .map(|i| v[i..].iter().collect()),
                    ParamOp::RemoveSmallestSuffix => (0..=n)
                        .rev()
                        .find(|&i| fnmatch::matches(&pat, &v[i..]))
                        .map(|i| v[..i].iter().collect()),
                    _ => (0..=n)
                        .find(|&i| fnmatch::matches(&pat, &v[i..]))
                        .map(|i| v[..i].iter().collect()),
                }
                .unwrap_or_else(|| v.iter().collect());
                Ok(r)
            }
        }
    }

    fn arg_string(&mut self, w: &Word, _in_dq: bool) -> Result<String, Ctl> {
        self.expand_string(w)
    }

    /// Pathname expansion of a pattern against the tree; sorted matches (empty: none).
    pub fn glob(&mut self, pat: &[PChar]) -> Vec<String> {
        let _ = self.flush_all();
        let absolute = pat.first().is_some_and(|p| p.0 == '/');
        let comps: Vec<&[PChar]> = pat.split(|p| p.0 == '/').collect();
        // (display path, fs path)
        let mut cur: Vec<(String, String)> = if absolute {
            vec![(String::new(), "/".to_owned())]
        } else {
            vec![(String::new(), self.st.cwd.clone())]
        };
        let n = comps.len();
        for (ci, comp) in comps.iter().enumerate() {
            if comp.is_empty() {
                if ci == 0 && absolute {
                    continue;
                }
                // a "//" or a trailing "/": keep only directories
                for c in &mut cur {
                    c.0.push('/');
                }
                cur.retain(|(_, fsp)| self.fs.stat(fsp).is_ok_and(|s| s.is_dir()));
                continue;
            }
            let mut next = Vec::new();
            for (disp, fsp) in &cur {
                let join_disp = |name: &str| {
                    if disp.is_empty() && !absolute {
                        name.to_owned()
                    } else if disp.ends_with('/') {
                        format!("{disp}{name}")
                    } else {
                        format!("{disp}/{name}")
                    }
                };
                let join_fs = |name: &str| {
                    if fsp.ends_with('/') {
                        format!("{fsp}{name}")
                    } else {
                        format!("{fsp}/{name}")
                    }
                };
                if fnmatch::has_magic(comp) {
                    let Ok(names) = self.fs.read_dir(fsp) else {
                        continue;
                    };
                    let dot_ok = comp.first().is_some_and(|p| p.0 == '.');
                    let mut names = names;
                    if dot_ok {
                        names.insert(0, "..".to_owned());
                        names.insert(0, ".".to_owned());
                    }
                    for name in names {
                        if name.starts_with('.') && !dot_ok {
                            continue;
                        }
                        let nc: Vec<char> = name.chars().collect();
                        if fnmatch::matches(comp, &nc) {
                            let f = join_fs(&name);
                            if ci + 1 < n && !self.fs.stat(&f).is_ok_and(|s| s.is_dir()) {
                                continue;
                            }
                            next.push((join_disp(&name), f));
                        }
                    }
                } else {
                    let lit = fnmatch::literal(comp);
                    let f = join_fs(&lit);
                    if self.fs.lstat(&f).is_ok() {
                        next.push((join_disp(&lit), f));
                    }
                }
            }
            cur = next;
            if cur.is_empty() {
                return Vec::new();
            }
        }
        let mut out: Vec<String> = cur.into_iter().map(|(d, _)| d).collect();
        strata_image::sort::sort(&mut out);
        out
    }
}

/// Splits expanded characters into fields on IFS (only characters from unquoted expansions split).
fn split_fields(chars: &[Ch], ifs: &str, keep: bool) -> Vec<Vec<Ch>> {
    let is_ws = |c: char| ifs.contains(c) && matches!(c, ' ' | '\t' | '\n');
    let is_ifs = |c: char| ifs.contains(c);
    let mut out = Vec::new();
    let mut cur: Vec<Ch> = Vec::new();
    let mut have = false; // cur is a field in progress
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch.split && is_ifs(ch.c) {
            if is_ws(ch.c) {
                // skip a run of IFS white space, and one non-white IFS char after it
                let mut j = i;
                while j < chars.len() && chars[j].split && is_ws(chars[j].c) {
                    j += 1;
                }
                if j < chars.len() && chars[j].split && is_ifs(chars[j].c) && !is_ws(chars[j].c) {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                    j += 1;
                    while j < chars.len() && chars[j].split && is_ws(chars[j].c) {
                        j += 1;
                    }
                } else if have {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
                i = j;
                continue;
            }
            out.push(std::mem::take(&mut cur));
            have = false;
            i += 1;
            while i < chars.len() && chars[i].split && is_ws(chars[i].c) {
                i += 1;
            }
            continue;
        }
        cur.push(ch);
        have = true;
        i += 1;
    }
    if have || (out.is_empty() && keep) {
        out.push(cur);
    }
    out
}

/// bash-style brace expansion over the literal parts of a word: `a{b,c}` and `{1..3}`; `None` if none.
fn brace_expand(w: &Word) -> Option<Vec<Word>> {
    for (pi, part) in w.iter().enumerate() {
        let WordPart::Lit(s) = part else { continue };
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c != '{' {
                continue;
            }
            let mut depth = 0;
            let mut end = None;
            for (j, &d) in chars.iter().enumerate().skip(i) {
                if d == '{' {
                    depth += 1;
                } else if d == '}' {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                }
            }
            let Some(end) = end else { continue };
            let inner: String = chars[i + 1..end].iter().collect();
            let mut alts: Vec<String> = Vec::new();
            if let Some((a, b)) = inner.split_once("..") {
                if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
                    if (x - y).abs() > 100_000 {
                        return None;
                    }
                    if x <= y {
                        alts = (x..=y).map(|v| v.to_string()).collect();
                    } else {
                        alts = (y..=x).rev().map(|v| v.to_string()).collect();
                    }
                } else if a.chars().count() == 1 && b.chars().count() == 1 {
                    let (x, y) = (a.chars().next()? as u32, b.chars().next()? as u32);
                    let r: Vec<u32> = if x <= y {
                        (x..=y).collect()
                    } else {
                        (y..=x).rev().collect()
                    };
                    alts = r
                        .into_iter()
                        .filter_map(char::from_u32)
                        .map(|c| c.to_string())
                        .collect();
                }
            } else {
                let mut d = 0;
                let mut cur = String::new();
                for ch in inner.chars() {
                    match ch {
                        '{' => {
                            d += 1;
                            cur.push(ch);
                        }
                        '}' => {
                            d -= 1;
                            cur.push(ch);
                        }
                        ',' if d == 0 => alts.push(std::mem::take(&mut cur)),
                        _ => cur.push(ch),
                    }
                }
                if alts.is_empty() {
                    continue;
                }
                alts.push(cur);
            }
            if alts.is_empty() {
                continue;
            }
            let pre: String = chars[..i].iter().collect();
            let post: String = chars[end + 1..].iter().collect();
            let mut out = Vec::new();
            for a in alts {
                let mut nw: Word = w[..pi].to_vec();
                nw.push(WordPart::Lit(format!("{pre}{a}{post}")));
                nw.extend(w[pi + 1..].iter().cloned());
                match brace_expand(&nw) {
                    Some(more) => out.extend(more),
                    None => out.push(nw),
                }
                if out.len() > 100_000 {
                    return None;
                }
            }
            return Some(out);
        }
    }
    None
}
