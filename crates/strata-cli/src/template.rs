//! The Go templates of docker's `--format` flags (`images`, `ps`, `history`, `inspect -f`): a small
//! evaluator of the part of Go's `text/template` that docker users write, with docker's extra functions.
//!
//! Supported: `{{.Field.Sub}}`, `{{.}}`, `{{$}}` and `{{$.Field}}`, string and number literals, pipelines
//! (`{{.ID | upper}}`), parenthesised calls, `{{range}}`, `{{if}}` and `{{with}}` with `{{else}}`, the trim
//! markers `{{-` and `-}}`, and the functions `json`, `join`, `split`, `lower`, `upper`, `title`,
//! `truncate`, `pad`, `len`, `index`, `printf`, `print`, `println`, `eq`, `ne`, `not`, `and`, `or`. Values
//! print as Go's `fmt` prints them (`[a b]` for a list, `{v1 v2}` for a struct, `map[k:v]` for a map),
//! `json` encodes as Go's `encoding/json` does (HTML characters escaped).
//!
//! Why not a crate: the Go-template crates for Rust print lists and maps their own way and have neither
//! docker's functions nor its error texts, and the data here is a handful of JSON documents.

use std::fmt::Write as _;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A value a template reads: JSON with its keys kept in document order (docker's structs print their
/// fields in declaration order).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null` (a nil pointer, slice or map in docker's structs).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number that is not an integer.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Value>),
    /// An object, keys in order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value of a JSON document.
    pub fn from_json(bytes: &[u8]) -> serde_json::Result<Value> {
        serde_json::from_slice(bytes)
    }

    /// An object of string fields (the rows of `images`, `ps`, `history`).
    pub fn strings<'a>(fields: impl IntoIterator<Item = (&'a str, String)>) -> Value {
        Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Value::Str(v)))
                .collect(),
        )
    }

    fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Object(o) => !o.is_empty(),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
                Ok(i64::try_from(u).map_or(Value::Float(u as f64), Value::Int))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
                Ok(Value::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Str(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Value, E> {
                Ok(Value::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Value::List(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Value>()? {
                    v.push((k, x));
                }
                Ok(Value::Object(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Fields whose values are Go maps in docker's structs (printed `map[k:v]`, keys sorted); other objects
/// are structs (printed `{v1 v2}`).
const MAP_FIELDS: &[&str] = &[
    "Labels",
    "Volumes",
    "ExposedPorts",
    "Data",
    "Ports",
    "Networks",
];

/// How a missing field reads.
#[derive(Clone, Copy, Debug)]
pub enum Missing {
    /// An error naming docker's Go type (`can't evaluate field X in type *formatter.imageContext`).
    Struct(&'static str),
    /// An error as for a Go map (`map has no entry for key "X"`).
    Map,
}

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    nodes: Vec<Node>,
    missing: Missing,
}

#[derive(Debug)]
enum Node {
    Text(String),
    Action(Pipeline),
    Range(Block),
    If(Block),
    With(Block),
}

#[derive(Debug)]
struct Block {
    pipe: Pipeline,
    body: Vec<Node>,
    otherwise: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Pipeline {
    cmds: Vec<Vec<Arg>>,
}

#[derive(Debug, Clone)]
enum Arg {
    /// `.A.B` (empty path: `.`), at (line, column).
    Field(Vec<String>, Pos),
    /// `$` or `$.A.B`.
    Root(Vec<String>, Pos),
    Str(String),
    Int(i64),
    Bool(bool),
    Func(String),
    Sub(Pipeline),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pos {
    line: usize,
    col: usize,
}

/// A template error, worded as Go's (`template: :1: unclosed action`).
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template: {}", self.0)
    }
}

impl std::error::Error for Error {}

type Res<T> = Result<T, Error>;

impl Template {
    /// Parses a template; `missing` says how a field that is not there reads.
    pub fn parse(text: &str, missing: Missing) -> Res<Template> {
        let tokens = lex(text)?;
        let mut p = Parser { tokens, at: 0 };
        let (nodes, end) = p.nodes()?;
        if let Some(end) = end {
            return Err(Error(format!(":{}: unexpected {{{{{end}}}}}", p.line())));
        }
        Ok(Template { nodes, missing })
    }

    /// Executes the template on `data`.
    pub fn render(&self, data: &Value) -> Res<String> {
        let mut out = String::new();
        let ex = Exec {
            root: data,
            missing: self.missing,
        };
        ex.nodes(&self.nodes, data, &mut out)?;
        Ok(out)
    }
}

/// A piece of the template text: literal text, or an action's words.
enum Token {
    Text(String),
    Action(Vec<Word>, usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Word {
    Field(Vec<String>, Pos),
    Root(Vec<String>, Pos),
    Ident(String),
    Str(String),
    Int(i64),
    Pipe,
    Open,
    Close,
}

fn lex(text: &str) -> Res<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    let line_of = |off: usize| 1 + text[..off].matches('\n').count();
    while let Some(start) = rest.find("{{") {
        let mut literal = rest[..start].to_owned();
        let mut inner_start = start + 2;
        if rest[inner_start..].starts_with("- ") {
            literal.truncate(literal.trim_end().len());
            inner_start += 2;
        }
        let line = line_of(offset + start);
        let Some(len) = rest[inner_start..].find("}}") else {
            return Err(Error(format!(":{line}: unclosed action")));
        };
        let mut inner = &rest[inner_start..inner_start + len];
        let mut after = inner_start + len + 2;
        let trim_after = inner.ends_with(" -");
        if trim_after {
            inner = &inner[..inner.len() - 2];
        }
        if !literal.is_empty() {
            tokens.push(Token::Text(literal));
        }
        let words = words(inner, text, offset + inner_start)?;
        tokens.push(Token::Action(words, line));
        if trim_after {
            let tail = &rest[after..];
            after += tail.len() - tail.trim_start().len();
        }
        offset += after;
        rest = &rest[after..];
    }
    if !rest.is_empty() {
        tokens.push(Token::Text(rest.to_owned()));
    }
    Ok(tokens)
}

/// The words of one action; `base` is its offset in the whole template (for positions in errors).
fn words(s: &str, whole: &str, base: usize) -> Res<Vec<Word>> {
    let pos = |i: usize| {
        let off = base + i;
        let line_start = whole[..off].rfind('\n').map_or(0, |n| n + 1);
        Pos {
            line: 1 + whole[..off].matches('\n').count(),
            col: off - line_start,
        }
    };
    let line = pos(0).line;
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let path = |i: &mut usize| {
        let mut parts = Vec::new();
        while *i < b.len() && b[*i] == b'.' {
            let st = *i + 1;
            let mut j = st;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > st {
                parts.push(s[st..j].to_owned());
            }
            *i = j;
            if j == st {
                break;
            }
        }
        parts
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'|' => {
                out.push(Word::Pipe);
                i += 1;
            }
            b'(' => {
                out.push(Word::Open);
                i += 1;
            }
            b')' => {
                out.push(Word::Close);
                i += 1;
            }
            b'.' => {
                let p = pos(i);
                out.push(Word::Field(path(&mut i), p));
            }
            b'$' => {
                let p = pos(i);
                i += 1;
                out.push(Word::Root(path(&mut i), p));
            }
            b'"' => {
                let mut j = i + 1;
                let mut v = String::new();
                loop {
                    match b.get(j) {
                        None => return Err(Error(format!(":{line}: unterminated quoted string"))),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            match b.get(j + 1) {
                                Some(b'n') => v.push('\n'),
                                Some(b't') => v.push('\t'),
                                Some(&x) => v.push(x as char),
                                None => {}
                            }
                            j += 2;
                        }
                        Some(_) => {
                            let ch = s[j..].chars().next().unwrap_or('?');
                            v.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                out.push(Word::Str(v));
                i = j + 1;
            }
            b'`' => {
                let Some(len) = s[i + 1..].find('`') else {
                    return Err(Error(format!(":{line}: unterminated raw quoted string")));
                };
                out.push(Word::Str(s[i + 1..i + 1 + len].to_owned()));
                i += len + 2;
            }
            b'0'..=b'9' | b'-' => {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let n = s[i..j]
                    .parse()
                    .map_err(|_| Error(format!(":{line}: bad number syntax: {:?}", &s[i..j])))?;
                out.push(Word::Int(n));
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                out.push(Word::Ident(s[i..j].to_owned()));
                i = j;
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('?');
                return Err(Error(format!(":{line}: unexpected {ch:?} in command")));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

const FUNCS: &[&str] = &[
    "json", "join", "split", "lower", "upper", "title", "truncate", "pad", "len", "index",
    "printf", "print", "println", "eq", "ne", "not", "and", "or",
];

impl Parser {
    fn line(&self) -> usize {
        match self.tokens.get(self.at.saturating_sub(1)) {
            Some(Token::Action(_, l)) => *l,
            _ => 1,
        }
    }

    /// Nodes up to `{{end}}` or `{{else}}` (returned) or the end of the template (`None`).
    fn nodes(&mut self) -> Res<(Vec<Node>, Option<&'static str>)> {
        let mut nodes = Vec::new();
        while self.at < self.tokens.len() {
            let i = self.at;
            self.at += 1;
            let (words, line) = match &self.tokens[i] {
                Token::Text(t) => {
                    nodes.push(Node::Text(t.clone()));
                    continue;
                }
                Token::Action(w, l) => (w.clone(), *l),
            };
            match words.first() {
                Some(Word::Ident(k)) if k == "end" => return Ok((nodes, Some("end"))),
                Some(Word::Ident(k)) if k == "else" => return Ok((nodes, Some("else"))),
                Some(Word::Ident(k)) if k == "range" || k == "if" || k == "with" => {
                    let pipe = pipeline(&words[1..], line)?;
                    let (body, end) = self.nodes()?;
                    let otherwise = match end {
                        Some("else") => match self.nodes()? {
                            (o, Some("end")) => o,
                            _ => return Err(Error(format!(":{line}: unexpected EOF"))),
                        },
                        Some(_) => Vec::new(),
                        None => return Err(Error(format!(":{line}: unexpected EOF"))),
                    };
                    let block = Block {
                        pipe,
                        body,
                        otherwise,
                    };
                    nodes.push(match k.as_str() {
                        "range" => Node::Range(block),
                        "if" => Node::If(block),
                        _ => Node::With(block),
                    });
                }
                None => return Err(Error(format!(":{line}: missing value for command"))),
                _ => nodes.push(Node::Action(pipeline(&words, line)?)),
            }
        }
        Ok((nodes, None))
    }
}

fn pipeline(words: &[Word], line: usize) -> Res<Pipeline> {
    let mut cmds = vec![Vec::new()];
    let mut i = 0;
    while i < words.len() {
        let arg = match &words[i] {
            Word::Pipe => {
                cmds.push(Vec::new());
                i += 1;
                continue;
            }
            Word::Field(p, pos) => Arg::Field(p.clone(), *pos),
            Word::Root(p, pos) => Arg::Root(p.clone(), *pos),
            Word::Str(s) => Arg::Str(s.clone()),
            Word::Int(n) => Arg::Int(*n),
            Word::Ident(b) if b == "true" || b == "false" => Arg::Bool(b == "true"),
            Word::Ident(f) if FUNCS.contains(&f.as_str()) => Arg::Func(f.clone()),
            Word::Ident(f) => return Err(Error(format!(":{line}: function {f:?} not defined"))),
            Word::Open => {
                let mut depth = 0;
                let mut j = i;
                loop {
                    match words.get(j) {
                        Some(Word::Open) => depth += 1,
                        Some(Word::Close) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        None => return Err(Error(format!(":{line}: unclosed left paren"))),
                        _ => {}
                    }
                    j += 1;
                }
                let sub = pipeline(&words[i + 1..j], line)?;
                i = j;
                Arg::Sub(sub)
            }
            Word::Close => return Err(Error(format!(":{line}: unexpected right paren"))),
        };
        cmds.last_mut().expect("one command at least").push(arg);
        i += 1;
    }
    if cmds.iter().any(Vec::is_empty) {
        return Err(Error(format!(":{line}: missing value for command")));
    }
    Ok(Pipeline { cmds })
}

struct Exec<'a> {
    root: &'a Value,
    missing: Missing,
}

impl Exec<'_> {
    fn nodes(&self, nodes: &[Node], dot: &Value, out: &mut String) -> Res<()> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => {
                    let (v, key) = self.pipe(p, dot)?;
                    out.push_str(&print(&v, key.as_deref()));
                }
                Node::If(b) => {
                    let (v, _) = self.pipe(&b.pipe, dot)?;
                    let body = if v.truthy() { &b.body } else { &b.otherwise };
                    self.nodes(body, dot, out)?;
                }
                Node::With(b) => {
                    let (v, _) = self.pipe(&b.pipe, dot)?;
                    if v.truthy() {
                        self.nodes(&b.body, &v, out)?;
                    } else {
                        self.nodes(&b.otherwise, dot, out)?;
                    }
                }
                Node::Range(b) => {
                    let (v, _) = self.pipe(&b.pipe, dot)?;
                    let items: Vec<Value> = match v {
                        Value::List(l) => l,
                        Value::Object(o) => {
                            let mut o = o;
                            o.sort_by(|a, b| a.0.cmp(&b.0));
                            o.into_iter().map(|(_, v)| v).collect()
                        }
                        Value::Null => Vec::new(),
                        Value::Int(n) => (0..n.max(0)).map(Value::Int).collect(),
                        other => {
                            return Err(Error(format!(
                                "range can't iterate over {}",
                                print(&other, None)
                            )))
                        }
                    };
                    if items.is_empty() {
                        self.nodes(&b.otherwise, dot, out)?;
                    }
                    for item in &items {
                        self.nodes(&b.body, item, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A pipeline's value, and the name of the field it last read (for how an object prints).
    fn pipe(&self, p: &Pipeline, dot: &Value) -> Res<(Value, Option<String>)> {
        let mut prev: Option<(Value, Option<String>)> = None;
        for cmd in &p.cmds {
            prev = Some(self.command(cmd, dot, prev.map(|(v, _)| v))?);
        }
        Ok(prev.expect("a pipeline has a command"))
    }

    fn command(
        &self,
        cmd: &[Arg],
        dot: &Value,
        piped: Option<Value>,
    ) -> Res<(Value, Option<String>)> {
        if let Some(Arg::Func(f)) = cmd.first() {
            let mut args = Vec::new();
            for a in &cmd[1..] {
                args.push(self.arg(a, dot)?.0);
            }
            args.extend(piped);
            return Ok((call(f, &args)?, None));
        }
        if cmd.len() > 1 || piped.is_some() {
            return Err(Error(format!(
                "can't give argument to non-function {}",
                describe(&cmd[0])
            )));
        }
        self.arg(&cmd[0], dot)
    }

    fn arg(&self, a: &Arg, dot: &Value) -> Res<(Value, Option<String>)> {
        Ok(match a {
            Arg::Field(path, pos) => self.lookup(dot, path, *pos, '.')?,
            Arg::Root(path, pos) => self.lookup(self.root, path, *pos, '$')?,
            Arg::Str(s) => (Value::Str(s.clone()), None),
            Arg::Int(n) => (Value::Int(*n), None),
            Arg::Bool(b) => (Value::Bool(*b), None),
            Arg::Func(f) => (call(f, &[])?, None),
            Arg::Sub(p) => self.pipe(p, dot)?,
        })
    }

    fn lookup(
        &self,
        from: &Value,
        path: &[String],
        pos: Pos,
        sigil: char,
    ) -> Res<(Value, Option<String>)> {
        let mut v = from;
        let shown = if sigil == '$' {
            format!(
                "${}",
                path.iter().map(|p| format!(".{p}")).collect::<String>()
            )
        } else if path.is_empty() {
            ".".to_owned()
        } else {
            path.iter().map(|p| format!(".{p}")).collect::<String>()
        };
        let at = |what: String| {
            Error(format!(
                ":{}:{}: executing \"\" at <{shown}>: {what}",
                pos.line, pos.col
            ))
        };
        for (i, name) in path.iter().enumerate() {
            v = match v {
                Value::Object(_) => match v.field(name) {
                    Some(x) => x,
                    None => match self.missing {
                        Missing::Map => {
                            return Err(at(format!("map has no entry for key {name:?}")))
                        }
                        Missing::Struct(ty) if i == 0 => {
                            return Err(at(format!("can't evaluate field {name} in type {ty}")))
                        }
                        Missing::Struct(_) => {
                            return Err(at(format!("map has no entry for key {name:?}")))
                        }
                    },
                },
                Value::Null => {
                    return Err(at(format!("nil pointer evaluating interface {{}}.{name}")))
                }
                other => {
                    return Err(at(format!(
                        "can't evaluate field {name} in type {}",
                        go_type(other)
                    )))
                }
            };
        }
        Ok((v.clone(), path.last().cloned()))
    }
}

fn describe(a: &Arg) -> String {
    match a {
        Arg::Field(p, _) => p.iter().map(|x| format!(".{x}")).collect(),
        Arg::Str(s) => format!("{s:?}"),
        Arg::Int(n) => n.to_string(),
        _ => "value".to_owned(),
    }
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float64",
        Value::Str(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn want_args(f: &str, args: &[Value], n: usize) -> Res<()> {
    if args.len() == n {
        Ok(())
    } else {
        Err(Error(format!(
            "wrong number of args for {f}: want {n} got {}",
            args.len()
        )))
    }
}

fn text(v: &Value) -> String {
    print(v, None)
}

fn call(f: &str, args: &[Value]) -> Res<Value> {
    Ok(match f {
        "json" => {
            want_args(f, args, 1)?;
            Value::Str(json(&args[0]))
        }
        "join" => {
            want_args(f, args, 2)?;
            let items: Vec<String> = match &args[0] {
                Value::List(l) => l.iter().map(text).collect(),
                Value::Null => Vec::new(),
                other => vec![text(other)],
            };
            Value::Str(items.join(&text(&args[1])))
        }
        "split" => {
            want_args(f, args, 2)?;
            let (s, sep) = (text(&args[0]), text(&args[1]));
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::Str(c.to_string())).collect()
            } else {
                s.split(sep.as_str())
                    .map(|p| Value::Str(p.to_owned()))
                    .collect()
            };
            Value::List(parts)
        }
        "lower" => {
            want_args(f, args, 1)?;
            Value::Str(text(&args[0]).to_lowercase())
        }
        "upper" => {
            want_args(f, args, 1)?;
            Value::Str(text(&args[0]).to_uppercase())
        }
        "title" => {
            want_args(f, args, 1)?;
            let mut out = String::new();
            let mut start = true;
            for c in text(&args[0]).chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Value::Str(out)
        }
        "truncate" => {
            want_args(f, args, 2)?;
            let n = match args[1] {
                Value::Int(n) => usize::try_from(n).unwrap_or(0),
                _ => return Err(Error("truncate: the length must be an integer".into())),
            };
            Value::Str(text(&args[0]).chars().take(n).collect())
        }
        "pad" => {
            want_args(f, args, 3)?;
            let n = |v: &Value| match v {
                Value::Int(n) => usize::try_from(*n).unwrap_or(0),
                _ => 0,
            };
            Value::Str(format!(
                "{}{}{}",
                " ".repeat(n(&args[1])),
                text(&args[0]),
                " ".repeat(n(&args[2]))
            ))
        }
        "len" => {
            want_args(f, args, 1)?;
            let n = match &args[0] {
                Value::Str(s) => s.len(),
                Value::List(l) => l.len(),
                Value::Object(o) => o.len(),
                Value::Null => 0,
                other => {
                    return Err(Error(format!("len of type {}", go_type(other))));
                }
            };
            Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
        }
        "index" => {
            let Some((first, keys)) = args.split_first() else {
                return Err(Error(
                    "wrong number of args for index: want at least 1 got 0".into(),
                ));
            };
            let mut v = first.clone();
            for k in keys {
                v = match (&v, k) {
                    (Value::List(l), Value::Int(i)) => usize::try_from(*i)
                        .ok()
                        .and_then(|i| l.get(i).cloned())
                        .ok_or_else(|| {
                            Error(format!("error calling index: index out of range: {i}"))
                        })?,
                    (Value::Object(_), Value::Str(s)) => v.field(s).cloned().unwrap_or(Value::Null),
                    _ => return Err(Error("error calling index: cannot index".into())),
                };
            }
            v
        }
        "printf" => {
            let Some((Value::Str(fmt), rest)) = args.split_first() else {
                return Err(Error("printf: the format must be a string".into()));
            };
            Value::Str(printf(fmt, rest))
        }
        "print" => Value::Str(args.iter().map(text).collect::<Vec<_>>().join(" ")),
        "println" => Value::Str(format!(
            "{}\n",
            args.iter().map(text).collect::<Vec<_>>().join(" ")
        )),
        "eq" | "ne" => {
            want_args(f, args, 2)?;
            Value::Bool((args[0] == args[1]) == (f == "eq"))
        }
        "not" => {
            want_args(f, args, 1)?;
            Value::Bool(!args[0].truthy())
        }
        "and" => args
            .iter()
            .find(|a| !a.truthy())
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "or" => args
            .iter()
            .find(|a| a.truthy())
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        _ => return Err(Error(format!("function {f:?} not defined"))),
    })
}

/// Go's `fmt.Sprintf` for the verbs templates use: `%s`, `%v`, `%d`, `%q`, `%%`.
fn printf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb) => match args.next() {
                Some(a) if verb == 'q' => out.push_str(&json(&Value::Str(text(a)))),
                Some(a) => out.push_str(&text(a)),
                None => {
                    let _ = write!(out, "%!{verb}(MISSING)");
                }
            },
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out
}

/// A value as Go's `fmt` prints it; `key` is the field it came from (a Go map prints `map[k:v]`).
pub fn print(v: &Value, key: Option<&str>) -> String {
    match v {
        Value::Null => match key {
            Some(k) if MAP_FIELDS.contains(&k) => "map[]".to_owned(),
            _ => "<no value>".to_owned(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|x| print(x, None))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Object(o) if key.is_some_and(|k| MAP_FIELDS.contains(&k)) => {
            let mut o: Vec<&(String, Value)> = o.iter().collect();
            o.sort_by(|a, b| a.0.cmp(&b.0));
            let items: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{k}:{}", print(v, None)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| print(v, Some(k)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// A value as Go's `json.Marshal` writes it: compact, `<`, `>` and `&` escaped.
pub fn json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&serde_json::Value::from(*f).to_string()),
        Value::Str(s) => {
            let quoted = serde_json::Value::from(s.as_str()).to_string();
            for c in quoted.chars() {
                match c {
                    '<' => out.push_str("\\u003c"),
                    '>' => out.push_str("\\u003e"),
                    '&' => out.push_str("\\u0026"),
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    c => out.push(c),
                }
            }
        }
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&Value::Str(k.clone()), out);
                out.push(':');
                write_json(x, out);
            }
            out.push('}');
        }
    }
}

/// docker's `--format` for a listing: `table …` prints a header row (the template run on `header`) and
/// aligns the columns; anything else prints one line per row. `\t` and `\n` written in the flag are a tab
/// and a newline, as docker reads them.
pub struct Listing {
    template: Template,
    table: bool,
}

impl Listing {
    /// Parses a `--format` value.
    pub fn parse(format: &str, missing: Missing) -> Res<Listing> {
        let (table, body) = match format.strip_prefix("table") {
            Some(rest) => (true, rest),
            None => (false, format),
        };
        let body = body
            .trim_matches(' ')
            .replace("\\t", "\t")
            .replace("\\n", "\n");
        Ok(Listing {
            template: Template::parse(&body, missing)?,
            table,
        })
    }

    /// The output for these rows (`header` names each field's column).
    pub fn render(&self, header: &Value, rows: &[Value]) -> Res<String> {
        let mut lines = Vec::new();
        if self.table {
            lines.push(self.template.render(header)?);
        }
        for r in rows {
            lines.push(self.template.render(r)?);
        }
        if !self.table {
            return Ok(lines.into_iter().map(|l| l + "\n").collect());
        }
        let cells: Vec<Vec<String>> = lines
            .iter()
            .flat_map(|l| l.split('\n'))
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect();
        Ok(crate::human::table(&cells))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: &str, data: &str) -> String {
        let v = Value::from_json(data.as_bytes()).unwrap();
        Template::parse(t, Missing::Map)
            .unwrap()
            .render(&v)
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn fields_ranges_and_functions_print_as_go_does() {
        let d = r#"{"Id":"sha256:ab","RepoTags":["a:1","b:2"],"Size":42,"Config":{"Cmd":["sh"],"Env":null,"Labels":{"z":"1","a":"<2>"}},"Nil":null}"#;
        assert_eq!(render("{{.Id}}", d), "sha256:ab");
        assert_eq!(render("{{range .RepoTags}}{{.}},{{end}}", d), "a:1,b:2,");
        assert_eq!(render("{{.RepoTags}} {{.Size}}", d), "[a:1 b:2] 42");
        assert_eq!(
            render("{{json .Config}}", d),
            r#"{"Cmd":["sh"],"Env":null,"Labels":{"z":"1","a":"\u003c2\u003e"}}"#
        );
        assert_eq!(render("{{.Config.Labels}}", d), "map[a:<2> z:1]");
        assert_eq!(render("{{.Config}}", d), "{[sh] <no value> map[a:<2> z:1]}");
        assert_eq!(render("{{join .RepoTags \", \"}}", d), "a:1, b:2");
        assert_eq!(render("{{.Id | upper}}", d), "SHA256:AB");
        assert_eq!(render("{{index .RepoTags 1}}", d), "b:2");
        assert_eq!(render("{{len .RepoTags}}", d), "2");
        assert_eq!(render("{{if .Nil}}y{{else}}n{{end}}", d), "n");
        assert_eq!(render("{{with .Config}}{{.Cmd}}{{end}}", d), "[sh]");
        assert_eq!(render("{{range .RepoTags}}{{$.Size}}{{end}}", d), "4242");
        assert_eq!(render("a {{- \" b \" -}} c", d), "a b c");
        assert_eq!(render("{{printf \"%s=%d\" .Id .Size}}", d), "sha256:ab=42");
    }

    #[test]
    fn errors_read_as_go_templates_do() {
        let d = r#"{"Id":"x"}"#;
        assert_eq!(
            render("{{range .Id}}{{end}} {{.Nope}}", d),
            "template: range can't iterate over x"
        );
        assert_eq!(
            render("ab {{.Nope}}", d),
            "template: :1:5: executing \"\" at <.Nope>: map has no entry for key \"Nope\""
        );
        let e = Template::parse("{{.ID", Missing::Map).unwrap_err();
        assert_eq!(e.to_string(), "template: :1: unclosed action");
        let e = Template::parse("{{foo .ID}}", Missing::Map).unwrap_err();
        assert_eq!(e.to_string(), "template: :1: function \"foo\" not defined");
        let v = Value::strings([("ID", "1".to_owned())]);
        let e = Template::parse("{{.Nope}}", Missing::Struct("*formatter.imageContext"))
            .unwrap()
            .render(&v)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.imageContext"
        );
    }

    #[test]
    fn a_table_format_has_a_header_and_aligned_columns() {
        let l = Listing::parse("table {{.A}}\\t{{.B}}", Missing::Map).unwrap();
        let header = Value::strings([("A", "REPOSITORY".into()), ("B", "TAG".into())]);
        let rows = [Value::strings([
            ("A", "busybox".into()),
            ("B", "latest".into()),
        ])];
        assert_eq!(
            l.render(&header, &rows).unwrap(),
            "REPOSITORY   TAG\nbusybox      latest\n"
        );
        let l = Listing::parse("{{.A}}:{{.B}}", Missing::Map).unwrap();
        assert_eq!(l.render(&header, &rows).unwrap(), "busybox:latest\n");
    }
}
