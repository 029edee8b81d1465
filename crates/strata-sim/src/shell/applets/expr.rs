//! `expr`: the expression parser and evaluator (integers, strings, `:` matching with a BRE anchored at the start).

use super::Io;
use crate::shell::interp::{Ctl, Shell};
use crate::shell::regex as re;

type R = Result<i32, Ctl>;

/// `expr` expressions.
pub fn expr(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let toks: Vec<String> = argv[1..].to_vec();
    if toks.is_empty() {
        io.err("too few arguments");
        return Ok(2);
    }
    let mut p = ExprP {
        t: &toks,
        i: 0,
        depth: 0,
    };
    match p.or() {
        Ok(v) if p.i == toks.len() => {
            let s = v.to_string();
            io.print(&format!("{s}\n"));
            Ok(i32::from(v.is_null()))
        }
        Ok(_) => {
            io.err("syntax error");
            Ok(2)
        }
        Err(e) => {
            io.err(&e);
            Ok(2)
        }
    }
}

#[derive(Clone, Debug)]
enum EV {
    I(i64),
    S(String),
}

impl EV {
    fn is_null(&self) -> bool {
        match self {
            EV::I(n) => *n == 0,
            EV::S(s) => s.is_empty() || s == "0",
        }
    }
    fn int(&self) -> Option<i64> {
        match self {
            EV::I(n) => Some(*n),
            EV::S(s) => s.trim().parse().ok(),
        }
    }
}

impl std::fmt::Display for EV {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EV::I(n) => write!(f, "{n}"),
            EV::S(s) => write!(f, "{s}"),
        }
    }
}

struct ExprP<'t> {
    t: &'t [String],
    i: usize,
    depth: u32,
}

impl ExprP<'_> {
    fn peek(&self) -> Option<&str> {
        self.t.get(self.i).map(String::as_str)
    }
    fn or(&mut self) -> Result<EV, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("syntax error".to_owned());
        }
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.i += 1;
            let r = self.and()?;
            l = if !l.is_null() {
                l
            } else if !r.is_null() {
                r
            } else {
                EV::I(0)
            };
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<EV, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.i += 1;
            let r = self.cmp()?;
            l = if !l.is_null() && !r.is_null() {
                l
            } else {
                EV::I(0)
            };
        }
        Ok(l)
    }
    fn cmp(&mut self) -> Result<EV, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| matches!(*o, "=" | "==" | "!=" | "<" | ">" | "<=" | ">="))
        {
            let op = op.to_owned();
            self.i += 1;
            let r = self.add()?;
            let o = match (l.int(), r.int()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => l.to_string().cmp(&r.to_string()),
            };
            use std::cmp::Ordering::*;
            let v = match op.as_str() {
                "=" | "==" => o == Equal,
                "!=" => o != Equal,
                "<" => o == Less,
                ">" => o == Greater,
                "<=" => o != Greater,
                _ => o != Less,
            };
            l = EV::I(i64::from(v));
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<EV, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "+" | "-")) {
            let op = op.to_owned();
            self.i += 1;
            let r = self.mul()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".to_owned());
            };
            l = EV::I(if op == "+" {
                a.wrapping_add(b)
            } else {
                a.wrapping_sub(b)
            });
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<EV, String> {
        let mut l = self.colon()?;
        while let Some(op) = self.peek().filter(|o| matches!(*o, "*" | "/" | "%")) {
            let op = op.to_owned();
            self.i += 1;
            let r = self.colon()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".to_owned());
            };
            if op != "*" && b == 0 {
                return Err("division by zero".to_owned());
            }
            l = EV::I(match op.as_str() {
                "*" => a.wrapping_mul(b),
                "/" => a.wrapping_div(b),
                _ => a.wrapping_rem(b),
            });
        }
        Ok(l)
    }
    fn colon(&mut self) -> Result<EV, String> {
        let mut l = self.prim()?;
        while self.peek() == Some(":") {
            self.i += 1;
            let r = self.prim()?;
            l = match_re(&l.to_string(), &r.to_string())?;
        }
        Ok(l)
    }
    fn prim(&mut self) -> Result<EV, String> {
        let Some(t) = self.peek().map(str::to_owned) else {
            return Err("syntax error".to_owned());
        };
        self.i += 1;
        match t.as_str() {
            "(" => {
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return Err("syntax error".to_owned());
                }
                self.i += 1;
                Ok(v)
            }
            "length" => {
                let v = self.prim()?;
                Ok(EV::I(v.to_string().chars().count() as i64))
            }
            "match" => {
                let a = self.prim()?;
                let b = self.prim()?;
                match_re(&a.to_string(), &b.to_string())
            }
            "substr" => {
                let s = self.prim()?.to_string();
                let p = self.prim()?.int().unwrap_or(0);
                let n = self.prim()?.int().unwrap_or(0);
                if p < 1 || n < 1 {
                    return Ok(EV::S(String::new()));
                }
                Ok(EV::S(
                    s.chars().skip(p as usize - 1).take(n as usize).collect(),
                ))
            }
            "index" => {
                let s = self.prim()?.to_string();
                let c = self.prim()?.to_string();
                let pos = s
                    .chars()
                    .position(|x| c.contains(x))
                    .map(|p| p as i64 + 1)
                    .unwrap_or(0);
                Ok(EV::I(pos))
            }
            _ => Ok(match t.parse::<i64>() {
                Ok(n) => EV::I(n),
                Err(_) => EV::S(t),
            }),
        }
    }
}

fn match_re(s: &str, pat: &str) -> Result<EV, String> {
    let t = re::translate(pat, false)?;
    let r = re::build(&format!("^(?:{t})"), false).map_err(|_| "bad regex".to_owned())?;
    match r.captures(s.as_bytes()) {
        Some(c) => {
            if r.captures_len() > 1 {
                Ok(EV::S(
                    c.get(1)
                        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                        .unwrap_or_default(),
                ))
            } else {
                Ok(EV::I(
                    c.get(0).map(|m| re::char_count(m.as_bytes())).unwrap_or(0) as i64,
                ))
            }
        }
        None => {
            if r.captures_len() > 1 {
                Ok(EV::S(String::new()))
            } else {
                Ok(EV::I(0))
            }
        }
    }
}
