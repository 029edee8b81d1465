//! The `ash` builtins: commands the shell runs itself (cd, export, read, set, …).

use super::applets;
use super::interp::{Ctl, Run, Shell};
use super::parser::is_name;

/// Special builtins: assignments before them stay, and they are found before functions.
pub fn is_special(name: &str) -> bool {
    matches!(
        name,
        ":" | "."
            | "break"
            | "continue"
            | "eval"
            | "exec"
            | "exit"
            | "export"
            | "readonly"
            | "return"
            | "set"
            | "shift"
            | "trap"
            | "unset"
            | "source"
    )
}

/// Whether `name` is a builtin (for `type`, `command -v`).
pub fn is_builtin(name: &str) -> bool {
    is_special(name)
        || matches!(
            name,
            "true"
                | "false"
                | "echo"
                | "printf"
                | "test"
                | "["
                | "[["
                | "cd"
                | "pwd"
                | "local"
                | "command"
                | "type"
                | "umask"
                | "wait"
                | "read"
                | "hash"
                | "alias"
                | "unalias"
                | "kill"
                | "let"
                | "ulimit"
                | "times"
                | "jobs"
                | "getopts"
                | "chdir"
        )
}

impl Shell<'_> {
    /// Runs `argv` if it names a builtin.
    pub fn builtin(&mut self, argv: &[String]) -> Option<Run> {
        let name = argv[0].as_str();
        if !is_builtin(name) {
            return None;
        }
        Some(self.builtin_inner(name, argv))
    }

    /// An error from builtin `name`: `sh: name: line N: msg` (ash's command name is the builtin).
    pub fn builtin_err(&mut self, name: &str, msg: &str) -> Result<(), Ctl> {
        let m = format!("{}: {name}: line {}: {msg}", self.st.arg0, self.lineno());
        self.errln(&m)
    }

    fn builtin_inner(&mut self, name: &str, argv: &[String]) -> Run {
        let args = &argv[1..];
        match name {
            ":" | "true" => Ok(0),
            "false" => Ok(1),
            "echo" | "printf" | "test" | "[" | "[[" | "kill" => {
                applets::run_applet(self, name, argv).unwrap_or(Ok(127))
            }
            "cd" | "chdir" => {
                let mut a: Vec<&String> = args.iter().collect();
                while a
                    .first()
                    .is_some_and(|x| x.as_str() == "-P" || x.as_str() == "-L")
                {
                    a.remove(0);
                }
                let target = match a.first() {
                    None => self.get_var("HOME").unwrap_or("/").to_owned(),
                    Some(d) if d.as_str() == "-" => {
                        self.get_var("OLDPWD").unwrap_or("/").to_owned()
                    }
                    Some(d) => d.to_string(),
                };
                let path =
                    strata_image::normalize(&self.abs(&target)).unwrap_or_else(|| "/".to_owned());
                match self.fs.stat(&path) {
                    Ok(st) if st.is_dir() => {
                        let old = self.st.cwd.clone();
                        self.st.cwd = path.clone();
                        // ash's setpwd: both exported.
                        for (k, v) in [("OLDPWD", &old), ("PWD", &path)] {
                            if self.set_var(k, v).is_ok() {
                                self.st.vars.slot(k).exported = true;
                            }
                        }
                        if a.first().is_some_and(|d| d.as_str() == "-") {
                            self.write_fd(1, format!("{path}\n").as_bytes())?;
                        }
                        Ok(0)
                    }
                    Ok(_) => {
                        self.builtin_err("cd", &format!("can't cd to {target}: Not a directory"))?;
                        Ok(2)
                    }
                    Err(e) => {
                        let m = applets::errno_msg(&e);
                        self.builtin_err("cd", &format!("can't cd to {target}: {m}"))?;
                        Ok(2)
                    }
                }
            }
            "pwd" => {
                let physical = args.iter().any(|a| a == "-P");
                let cwd = if physical {
                    applets::realpath(self.fs, &self.st.cwd).unwrap_or_else(|| self.st.cwd.clone())
                } else {
                    self.st.cwd.clone()
                };
                self.write_fd(1, format!("{cwd}\n").as_bytes())?;
                Ok(0)
            }
            "export" | "readonly" => {
                let ro = name == "readonly";
                let list: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
                if list.is_empty() {
                    let mut out = String::new();
                    for (k, v) in self.st.vars.iter() {
                        if (ro && v.readonly) || (!ro && v.exported) {
                            out.push_str(&format!(
                                "{name} {k}='{}'\n",
                                v.value.replace('\'', "'\"'\"'")
                            ));
                        }
                    }
                    self.write_fd(1, out.as_bytes())?;
                    return Ok(0);
                }
                for a in list {
                    let (k, v) = match a.split_once('=') {
                        Some((k, v)) => (k, Some(v)),
                        None => (a.as_str(), None),
                    };
                    if !is_name(k) {
                        self.builtin_err(name, "bad variable name")?;
                        return Err(Ctl::Exit(2));
                    }
                    let e = self.st.vars.slot(k);
                    if let Some(v) = v {
                        if e.readonly {
                            let m = format!("{k}: is read only");
                            self.shell_err(&m)?;
                            return Err(Ctl::Exit(2));
                        }
                        e.value = v.to_owned();
                    }
                    if ro {
                        e.readonly = true;
                    } else {
                        e.exported = true;
                    }
                }
                Ok(0)
            }
            "local" => {
                for a in args {
                    let (k, v) = match a.split_once('=') {
                        Some((k, v)) => (k, Some(v)),
                        None => (a.as_str(), None),
                    };
                    let old = self.st.vars.get(k).cloned();
                    if let Some(frame) = self.st.locals.last_mut() {
                        if !frame.iter().any(|(n, _)| n == k) {
                            frame.push((k.to_owned(), old));
                        }
                    } else {
                        self.builtin_err("local", "not in a function")?;
                        return Err(Ctl::Exit(2));
                    }
                    if let Some(v) = v {
                        if let Err(e) = self.set_var(k, v) {
                            self.shell_err(&e)?;
                            return Ok(2);
                        }
                    }
                }
                Ok(0)
            }
            "unset" => {
                let mut funcs = false;
                for a in args {
                    match a.as_str() {
                        "-f" => funcs = true,
                        "-v" => funcs = false,
                        n => {
                            if funcs {
                                self.st.funcs.remove(n);
                            } else if self.st.vars.get(n).is_some_and(|v| v.readonly) {
                                self.builtin_err("unset", &format!("{n}: is read only"))?;
                                return Ok(2);
                            } else if self.st.vars.remove(n).is_none() {
                                self.st.funcs.remove(n);
                            }
                        }
                    }
                }
                Ok(0)
            }
            "set" => {
                if args.is_empty() {
                    // ash's dynamic FUNCNAME and LINENO show empty; `_OPTSUB` is getopts' own.
                    let mut all: Vec<(&str, &str)> = self
                        .st
                        .vars
                        .iter()
                        .filter(|(k, _)| k.as_str() != "_OPTSUB")
                        .map(|(k, v)| (k.as_str(), v.value.as_str()))
                        .collect();
                    for k in ["FUNCNAME", "LINENO"] {
                        if !self.st.vars.contains_key(k) {
                            all.push((k, ""));
                        }
                    }
                    strata_image::sort::sort(&mut all);
                    let mut out = String::new();
                    for (k, v) in all {
                        out.push_str(&format!("{k}='{}'\n", v.replace('\'', "'\"'\"'")));
                    }
                    self.write_fd(1, out.as_bytes())?;
                    return Ok(0);
                }
                let mut i = 0;
                while i < args.len() {
                    let a = &args[i];
                    if a == "--" {
                        self.st.positional = args[i + 1..].to_vec();
                        return Ok(0);
                    }
                    if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
                        let on = a.starts_with('-');
                        if a == "-o" || a == "+o" {
                            if let Some(o) = args.get(i + 1) {
                                match o.as_str() {
                                    "errexit" => self.st.opts.errexit = on,
                                    "xtrace" => self.st.opts.xtrace = on,
                                    "nounset" => self.st.opts.nounset = on,
                                    "noglob" => self.st.opts.noglob = on,
                                    "pipefail" => self.st.opts.pipefail = on,
                                    _ => {}
                                }
                            }
                            i += 2;
                            continue;
                        }
                        for ch in a[1..].chars() {
                            match ch {
                                'e' => self.st.opts.errexit = on,
                                'x' => self.st.opts.xtrace = on,
                                'u' => self.st.opts.nounset = on,
                                'f' => self.st.opts.noglob = on,
                                _ => {}
                            }
                        }
                        i += 1;
                        continue;
                    }
                    self.st.positional = args[i..].to_vec();
                    return Ok(0);
                }
                Ok(0)
            }
            "shift" => {
                let n = match args.first() {
                    Some(a) => match a.parse::<usize>() {
                        Ok(n) => n,
                        Err(_) => {
                            self.builtin_err("shift", &format!("Illegal number: {a}"))?;
                            return Err(Ctl::Exit(2));
                        }
                    },
                    None => 1,
                };
                if n > self.st.positional.len() {
                    return Ok(1);
                }
                self.st.positional.drain(..n);
                Ok(0)
            }
            "exit" => {
                let n = match args.first() {
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.builtin_err("exit", &format!("Illegal number: {a}"))?;
                            2
                        }
                    },
                    None => self.status,
                };
                Err(Ctl::Exit(n))
            }
            "return" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<i64>().ok())
                    .map(|n| (n & 0xff) as i32)
                    .unwrap_or(self.status);
                Err(Ctl::Return(n))
            }
            "break" | "continue" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<u32>().ok())
                    .unwrap_or(1)
                    .max(1);
                if self.loops == 0 {
                    return Ok(0);
                }
                let n = n.min(self.loops);
                Err(if name == "break" {
                    Ctl::Break(n)
                } else {
                    Ctl::Continue(n)
                })
            }
            "eval" => {
                let text = args.join(" ");
                self.enter_eval(&text)
            }
            "." | "source" => {
                let Some(f) = args.first() else {
                    return Ok(0);
                };
                let f = f.clone();
                self.source(&f, &args[1..])
            }
            "exec" => {
                // exec cmd: run it, then the shell ends with its status.
                let st = match self.builtin(args) {
                    Some(r) => r?,
                    None => self.run_external(args)?,
                };
                Err(Ctl::Exit(st))
            }
            "command" => {
                let mut i = 0;
                let mut v = false;
                let mut vv = false;
                while i < args.len() && args[i].starts_with('-') {
                    match args[i].as_str() {
                        "-v" => v = true,
                        "-V" => vv = true,
                        "-p" => {}
                        _ => {}
                    }
                    i += 1;
                }
                let rest = &args[i..];
                if rest.is_empty() {
                    return Ok(0);
                }
                if v || vv {
                    let mut st = 0;
                    for n in rest {
                        match self.describe(n) {
                            Some((kind, path)) => {
                                let line = if vv {
                                    format!("{n} is {kind}\n")
                                } else if kind.contains('/')
                                    || kind.starts_with("a ") && path.is_some()
                                {
                                    format!("{}\n", path.unwrap_or_default())
                                } else {
                                    format!("{n}\n")
                                };
                                self.write_fd(1, line.as_bytes())?;
                            }
                            None => {
                                if vv {
                                    self.errln(&format!("{n}: not found"))?;
                                }
                                st = 127;
                            }
                        }
                    }
                    return Ok(st);
                }
                match self.builtin(rest) {
                    Some(r) => r,
                    None => self.run_external(rest),
                }
            }
            "type" => {
                let mut st = 0;
                for n in args {
                    match self.describe(n) {
                        Some((kind, _)) => {
                            self.write_fd(1, format!("{n} is {kind}\n").as_bytes())?;
                        }
                        None => {
                            self.write_fd(1, format!("{n}: not found\n").as_bytes())?;
                            st = 127;
                        }
                    }
                }
                Ok(st)
            }
            "umask" => {
                let sym = args.first().is_some_and(|a| a == "-S");
                let rest: Vec<&String> = args.iter().filter(|a| a.as_str() != "-S").collect();
                match rest.first() {
                    None => {
                        let out = if sym {
                            let m = !self.st.umask & 0o777;
                            let f = |s: u32| {
                                let mut r = String::new();
                                if s & 4 != 0 {
                                    r.push('r');
                                }
                                if s & 2 != 0 {
                                    r.push('w');
                                }
                                if s & 1 != 0 {
                                    r.push('x');
                                }
                                r
                            };
                            format!("u={},g={},o={}\n", f(m >> 6), f((m >> 3) & 7), f(m & 7))
                        } else {
                            format!("{:04o}\n", self.st.umask)
                        };
                        self.write_fd(1, out.as_bytes())?;
                        Ok(0)
                    }
                    Some(m) => match u32::from_str_radix(m, 8) {
                        Ok(v) if v <= 0o777 => {
                            self.st.umask = v;
                            Ok(0)
                        }
                        _ => {
                            self.builtin_err("umask", &format!("Illegal number: {m}"))?;
                            Ok(1)
                        }
                    },
                }
            }
            "trap" => {
                if args.is_empty() {
                    let mut out = String::new();
                    for (k, v) in &self.st.traps {
                        out.push_str(&format!("trap -- '{v}' {k}\n"));
                    }
                    self.write_fd(1, out.as_bytes())?;
                    return Ok(0);
                }
                let (action, conds) = if args.len() == 1 || args[0] == "-" {
                    (None, if args[0] == "-" { &args[1..] } else { args })
                } else {
                    (Some(args[0].clone()), &args[1..])
                };
                for c in conds {
                    let c = match c.trim_start_matches("SIG") {
                        "0" | "EXIT" => "EXIT".to_owned(),
                        other => other.to_owned(),
                    };
                    // Only `docker stop`'s SIGTERM reaches PID 1 in the simulator.
                    let pid1_term = c == "TERM" && self.proc_depth == 1;
                    match &action {
                        Some(a) if !a.is_empty() => {
                            if c != "EXIT" && !pid1_term {
                                self.notes.push(crate::exec::Note::Unsupported {
                                    command: format!("trap {}", args.join(" ")),
                                    detail: format!(
                                        "the only signal the simulator sends is docker stop's SIGTERM to PID 1: this {c} trap never runs"
                                    ),
                                });
                            }
                            if pid1_term {
                                self.pid1_term_trap = Some(a.clone());
                            }
                            self.st.traps.insert(c, a.clone());
                        }
                        _ => {
                            if pid1_term {
                                self.pid1_term_trap = None;
                            }
                            self.st.traps.remove(&c);
                        }
                    }
                }
                Ok(0)
            }
            "wait" | "hash" | "alias" | "unalias" | "ulimit" | "times" | "jobs" => Ok(0),
            "let" => {
                let mut last = 0;
                for a in args {
                    let w = vec![super::ast::WordPart::Arith(vec![
                        super::ast::WordPart::Quoted(a.clone()),
                    ])];
                    let v = self.expand_string(&w)?;
                    last = v.parse::<i64>().unwrap_or(0);
                }
                Ok(i32::from(last == 0))
            }
            "read" => self.read_builtin(args),
            "getopts" => self.getopts(args),
            _ => Ok(127),
        }
    }

    fn enter_eval(&mut self, text: &str) -> Run {
        let mut p = super::parser::Parser::new(text);
        let mut st = 0;
        loop {
            match p.next_command() {
                Ok(Some(c)) => st = self.run_cmd(&c)?,
                Ok(None) => break,
                Err(e) => {
                    self.shell_err(&e)?;
                    return Err(Ctl::Exit(2));
                }
            }
        }
        Ok(st)
    }

    /// What `name` is: ("a shell builtin", None), ("/bin/ls", Some(path)), ("a function", None).
    pub fn describe(&self, name: &str) -> Option<(String, Option<String>)> {
        if matches!(
            name,
            "if" | "then"
                | "else"
                | "elif"
                | "fi"
                | "do"
                | "done"
                | "case"
                | "esac"
                | "while"
                | "until"
                | "for"
                | "in"
                | "{"
                | "}"
                | "!"
        ) {
            return Some(("a shell keyword".to_owned(), None));
        }
        if self.st.funcs.contains_key(name) {
            return Some(("a function".to_owned(), None));
        }
        if is_special(name) {
            return Some(("a special shell builtin".to_owned(), None));
        }
        if is_builtin(name) {
            return Some(("a shell builtin".to_owned(), None));
        }
        if self.st.standalone && !name.contains('/') && super::applets::is_busybox_applet(name) {
            return Some((name.to_owned(), None));
        }
        self.find_in_path(name)
            .filter(|p| self.fs.stat(p).is_ok())
            .map(|p| (p.clone(), Some(p)))
    }

    fn read_builtin(&mut self, args: &[String]) -> Run {
        let mut raw = false;
        let mut names = Vec::new();
        let mut prompt = None;
        let mut nchars: Option<usize> = None;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-r" => raw = true,
                "-p" => {
                    prompt = args.get(i + 1).cloned();
                    i += 1;
                }
                "-s" | "-e" => {}
                "-t" | "-u" | "-d" => i += 1,
                "-n" => {
                    nchars = args.get(i + 1).and_then(|v| v.parse::<usize>().ok());
                    i += 1;
                }
                a => names.push(a.to_owned()),
            }
            i += 1;
        }
        let _ = prompt;
        if names.is_empty() {
            names.push("REPLY".to_owned());
        }
        let input = self.stdin();
        let rest = input.rest();
        if rest.is_empty() {
            for n in &names {
                let _ = self.set_var(n, "");
            }
            return Ok(1);
        }
        // one logical line
        let mut line = String::new();
        let mut used = 0;
        let mut eof = true;
        let bytes = rest.to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut cs = text.chars().peekable();
        let mut count = 0usize;
        while let Some(c) = cs.next() {
            if nchars.is_some_and(|n| count >= n) {
                eof = false;
                break;
            }
            count += 1;
            used += c.len_utf8();
            if c == '\n' {
                eof = false;
                break;
            }
            if c == '\\' && !raw {
                match cs.next() {
                    Some('\n') => {
                        used += 1;
                        continue;
                    }
                    Some(n) => {
                        used += n.len_utf8();
                        line.push('\u{1}');
                        line.push(n);
                        continue;
                    }
                    None => continue,
                }
            }
            line.push(c);
        }
        input.pos.set(input.pos.get() + used.min(bytes.len()));
        let ifs = self.get_var("IFS").unwrap_or(" \t\n").to_owned();
        let is_ifs = |c: char| ifs.contains(c);
        let is_ws = |c: char| ifs.contains(c) && c.is_whitespace();
        // split into at most names.len() fields; escapes (\u{1}x) protect x
        let chars: Vec<char> = line.chars().collect();
        let mut fields: Vec<String> = Vec::new();
        let mut i = 0;
        while i < chars.len() && is_ws(chars[i]) {
            i += 1;
        }
        while i < chars.len() {
            if fields.len() + 1 == names.len() {
                // last one takes the rest, minus trailing IFS white space
                let mut s: Vec<char> = Vec::new();
                let mut k = i;
                while k < chars.len() {
                    if chars[k] == '\u{1}' && k + 1 < chars.len() {
                        s.push('\u{1}');
                        s.push(chars[k + 1]);
                        k += 2;
                    } else {
                        s.push(chars[k]);
                        k += 1;
                    }
                }
                while s.last().is_some_and(|&c| is_ws(c))
                    && !(s.len() >= 2 && s[s.len() - 2] == '\u{1}')
                {
                    s.pop();
                }
                fields.push(s.into_iter().filter(|&c| c != '\u{1}').collect());
                break;
            }
            let mut f = String::new();
            while i < chars.len() && !is_ifs(chars[i]) {
                if chars[i] == '\u{1}' && i + 1 < chars.len() {
                    f.push(chars[i + 1]);
                    i += 2;
                } else {
                    f.push(chars[i]);
                    i += 1;
                }
            }
            fields.push(f);
            // skip separator
            while i < chars.len() && is_ws(chars[i]) {
                i += 1;
            }
            if i < chars.len() && is_ifs(chars[i]) && !is_ws(chars[i]) {
                i += 1;
                while i < chars.len() && is_ws(chars[i]) {
                    i += 1;
                }
            }
        }
        for (k, n) in names.iter().enumerate() {
            let v = fields.get(k).cloned().unwrap_or_default();
            if let Err(e) = self.set_var(n, &v) {
                self.shell_err(&e)?;
                return Ok(2);
            }
        }
        Ok(i32::from(eof))
    }

    fn getopts(&mut self, args: &[String]) -> Run {
        let (Some(spec), Some(var)) = (args.first(), args.get(1)) else {
            return Ok(2);
        };
        let list: Vec<String> = if args.len() > 2 {
            args[2..].to_vec()
        } else {
            self.st.positional.clone()
        };
        let optind: usize = self
            .get_var("OPTIND")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let sub: usize = self
            .get_var("_OPTSUB")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let Some(arg) = list.get(optind.wrapping_sub(1)) else {
            let _ = self.set_var(var, "?");
            return Ok(1);
        };
        if !arg.starts_with('-') || arg == "-" {
            let _ = self.set_var(var, "?");
            return Ok(1);
        }
        if arg == "--" {
            let _ = self.set_var("OPTIND", &(optind + 1).to_string());
            let _ = self.set_var(var, "?");
            return Ok(1);
        }
        let chars: Vec<char> = arg.chars().collect();
        let Some(&c) = chars.get(sub) else {
            return Ok(1);
        };
        let mut next_ind = optind;
        let mut next_sub = sub + 1;
        if next_sub >= chars.len() {
            next_ind += 1;
            next_sub = 1;
        }
        let pos = spec.find(c);
        match pos {
            Some(p) if c != ':' => {
                let needs = spec[p + c.len_utf8()..].starts_with(':');
                let _ = self.set_var(var, &c.to_string());
                if needs {
                    let optarg = if sub + 1 < chars.len() {
                        next_ind = optind + 1;
                        chars[sub + 1..].iter().collect::<String>()
                    } else {
                        next_ind = optind + 2;
                        list.get(optind).cloned().unwrap_or_default()
                    };
                    next_sub = 1;
                    let _ = self.set_var("OPTARG", &optarg);
                }
            }
            _ => {
                let _ = self.set_var(var, "?");
                self.errln(&format!("Illegal option -{c}"))?;
            }
        }
        let _ = self.set_var("OPTIND", &next_ind.to_string());
        self.st.vars.slot("_OPTSUB").value = next_sub.to_string();
        Ok(0)
    }
}
