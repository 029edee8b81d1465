//! Shell arithmetic (`$((…))`): 64-bit integers, C operators and precedence, variables by name.

/// Variable access for the evaluator.
pub trait Vars {
    /// The value of `name` (unset: `None`).
    fn get(&self, name: &str) -> Option<String>;
    /// Assigns `name`.
    fn set(&mut self, name: &str, value: String) -> Result<(), String>;
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "++", "--", "+", "-", "*", "/", "%", "<", ">", "&", "|", "^", "!", "~",
    "?", ":", "=", "(", ")",
];

fn parse_num(s: &str) -> Result<i64, String> {
    let bad = || "arithmetic syntax error".to_owned();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).map_err(|_| bad());
    }
    if s.len() > 1 && s.starts_with('0') {
        return i64::from_str_radix(&s[1..], 8).map_err(|_| bad());
    }
    s.parse::<i64>().map_err(|_| bad())
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while i < cs.len() && cs[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let t: String = cs[st..i].iter().collect();
            out.push(Tok::Num(parse_num(&t)?));
        } else if c == '_' || c.is_ascii_alphabetic() {
            let st = i;
            while i < cs.len() && (cs[i] == '_' || cs[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push(Tok::Name(cs[st..i].iter().collect()));
        } else {
            let rest: String = cs[i..cs.len().min(i + 3)].iter().collect();
            match OPS.iter().find(|op| rest.starts_with(**op)) {
                Some(op) => {
                    out.push(Tok::Op(op));
                    i += op.len();
                }
                None => return Err("arithmetic syntax error".to_owned()),
            }
        }
    }
    Ok(out)
}

struct Ev<'v> {
    toks: Vec<Tok>,
    pos: usize,
    vars: &'v mut dyn Vars,
    depth: u32,
    /// When false, evaluate without side effects (the branch not taken).
    live: bool,
}

/// Evaluates an arithmetic expression.
pub fn eval(expr: &str, vars: &mut dyn Vars) -> Result<i64, String> {
    let toks = lex(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut ev = Ev {
        toks,
        pos: 0,
        vars,
        depth: 0,
        live: true,
    };
    let v = ev.assign()?;
    if ev.pos != ev.toks.len() {
        return Err("arithmetic syntax error".to_owned());
    }
    Ok(v)
}

fn binprec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

impl Ev<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn var_value(&mut self, name: &str) -> Result<i64, String> {
        let v = self.vars.get(name).unwrap_or_default();
        let t = v.trim();
        if t.is_empty() {
            return Ok(0);
        }
        if self.depth > 20 {
            return Err("expression recursion loop detected".to_owned());
        }
        match parse_num(t) {
            Ok(n) => Ok(n),
            Err(_) => {
                let toks = lex(t)?;
                let mut sub = Ev {
                    toks,
                    pos: 0,
                    vars: &mut *self.vars,
                    depth: self.depth + 1,
                    live: self.live,
                };
                sub.assign()
            }
        }
    }

    fn assign(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic: nested too deeply".to_owned());
        }
        let r = self.assign_inner();
        self.depth -= 1;
        r
    }

    fn assign_inner(&mut self) -> Result<i64, String> {
        if let (Some(Tok::Name(n)), Some(Tok::Op(op))) = (
            self.toks.get(self.pos).cloned(),
            self.toks.get(self.pos + 1).cloned(),
        ) {
            if matches!(
                op,
                "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "<<=" | ">>=" | "&=" | "|=" | "^="
            ) {
                self.pos += 2;
                let rhs = self.assign()?;
                let v = if op == "=" {
                    rhs
                } else {
                    let cur = self.var_value(&n)?;
                    apply(&op[..op.len() - 1], cur, rhs)?
                };
                if self.live {
                    self.vars.set(&n, v.to_string())?;
                }
                return Ok(v);
            }
        }
        self.ternary()
    }

    fn ternary(&mut self) -> Result<i64, String> {
        let c = self.binary(1)?;
        if self.peek() == Some(&Tok::Op("?")) {
            self.pos += 1;
            let live = self.live;
            self.live = live && c != 0;
            let a = self.assign()?;
            if self.peek() != Some(&Tok::Op(":")) {
                return Err("arithmetic syntax error".to_owned());
            }
            self.pos += 1;
            self.live = live && c == 0;
            let b = self.assign()?;
            self.live = live;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, min: u8) -> Result<i64, String> {
        let mut lhs = self.unary()?;
        while let Some(Tok::Op(op)) = self.peek().cloned() {
            let Some(p) = binprec(op) else { break };
            if p < min {
                break;
            }
            self.pos += 1;
            let live = self.live;
            if op == "&&" && lhs == 0 || op == "||" && lhs != 0 {
                self.live = false;
            }
            let next = if op == "**" { p } else { p + 1 };
            let rhs = self.binary(next)?;
            self.live = live;
            lhs = if op == "&&" {
                i64::from(lhs != 0 && rhs != 0)
            } else if op == "||" {
                i64::from(lhs != 0 || rhs != 0)
            } else if !self.live && matches!(op, "/" | "%") && rhs == 0 {
                0
            } else {
                apply(op, lhs, rhs)?
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        match self.peek().cloned() {
            Some(Tok::Op(op @ ("-" | "+" | "!" | "~"))) => {
                self.pos += 1;
                let v = self.unary()?;
                Ok(match op {
                    "-" => v.wrapping_neg(),
                    "+" => v,
                    "!" => i64::from(v == 0),
                    _ => !v,
                })
            }
            Some(Tok::Op(op @ ("++" | "--"))) => {
                self.pos += 1;
                let Some(Tok::Name(n)) = self.peek().cloned() else {
                    return Err("arithmetic syntax error".to_owned());
                };
                self.pos += 1;
                let v = self.var_value(&n)? + if op == "++" { 1 } else { -1 };
                if self.live {
                    self.vars.set(&n, v.to_string())?;
                }
                Ok(v)
            }
            Some(Tok::Op("(")) => {
                self.pos += 1;
                let v = self.assign()?;
                if self.peek() != Some(&Tok::Op(")")) {
                    return Err("arithmetic syntax error".to_owned());
                }
                self.pos += 1;
                Ok(v)
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Name(n)) => {
                self.pos += 1;
                let v = self.var_value(&n)?;
                if let Some(Tok::Op(op @ ("++" | "--"))) = self.peek().cloned() {
                    self.pos += 1;
                    let nv = v + if op == "++" { 1 } else { -1 };
                    if self.live {
                        self.vars.set(&n, nv.to_string())?;
                    }
                }
                Ok(v)
            }
            _ => Err("arithmetic syntax error".to_owned()),
        }
    }
}

fn apply(op: &str, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" => {
            if b == 0 {
                return Err("divide by zero".to_owned());
            }
            a.wrapping_div(b)
        }
        "%" => {
            if b == 0 {
                return Err("divide by zero".to_owned());
            }
            a.wrapping_rem(b)
        }
        "**" => {
            if b < 0 {
                return Err("exponent less than 0".to_owned());
            }
            a.wrapping_pow(u32::try_from(b).unwrap_or(u32::MAX))
        }
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "&" => a & b,
        "|" => a | b,
        "^" => a ^ b,
        _ => return Err("arithmetic syntax error".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct M(HashMap<String, String>);
    impl Vars for M {
        fn get(&self, n: &str) -> Option<String> {
            self.0.get(n).cloned()
        }
        fn set(&mut self, n: &str, v: String) -> Result<(), String> {
            self.0.insert(n.to_owned(), v);
            Ok(())
        }
    }

    #[test]
    fn arith() {
        let mut m = M(HashMap::new());
        assert_eq!(eval("1 + 2 * 3", &mut m), Ok(7));
        assert_eq!(eval("(1 + 2) * 3", &mut m), Ok(9));
        assert_eq!(eval("x = 5", &mut m), Ok(5));
        assert_eq!(eval("x * 2", &mut m), Ok(10));
        assert_eq!(eval("2 ** 10", &mut m), Ok(1024));
        assert_eq!(eval("1 ? 2 : 3", &mut m), Ok(2));
        assert_eq!(eval("010 + 0x10", &mut m), Ok(24));
        assert!(eval("1 / 0", &mut m).is_err());
    }
}
