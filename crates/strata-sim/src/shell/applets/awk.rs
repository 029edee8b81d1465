//! A compact `awk`: patterns and actions, BEGIN/END, ranges, fields, arrays, user functions, the common
//! builtins (length, substr, index, split, sub, gsub, match, sprintf, tolower, toupper, int, …), `print` and
//! `printf` with `>`/`>>` redirection. `getline` and pipes are reported as not simulated.

use std::collections::HashMap;

use super::format;
use super::{inputs, ErrStyle, Io};
use crate::shell::interp::{Ctl, Shell};
use crate::shell::regex as re;

type R = Result<i32, Ctl>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Re(String),
    Name(String),
    Func(String),
    Op(&'static str),
    Nl,
    Eof,
}

const OPS: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "!~", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", ">>",
    "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
    ":", "~", "$", "=",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let cs: Vec<char> = src.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\\' && cs.get(i + 1) == Some(&'\n') {
            i += 2;
            continue;
        }
        if c == ' ' || c == '\t' || c == '\r' {
            i += 1;
            continue;
        }
        if c == '\n' {
            out.push(Tok::Nl);
            i += 1;
            continue;
        }
        if c == '#' {
            while i < cs.len() && cs[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let st = i;
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '.') {
                if (cs[i] == 'e' || cs[i] == 'E') && matches!(cs.get(i + 1), Some('+' | '-')) {
                    i += 1;
                }
                i += 1;
            }
            let t: String = cs[st..i].iter().collect();
            let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).map(|v| v as f64).unwrap_or(0.0)
            } else {
                t.parse::<f64>().unwrap_or(0.0)
            };
            out.push(Tok::Num(v));
            continue;
        }
        if c == '_' || c.is_ascii_alphabetic() {
            let st = i;
            while i < cs.len() && (cs[i] == '_' || cs[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            let name: String = cs[st..i].iter().collect();
            const KEYWORDS: &[&str] = &[
                "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break",
                "continue", "next", "exit", "return", "delete", "getline", "print", "printf", "in",
            ];
            if cs.get(i) == Some(&'(') && !KEYWORDS.contains(&name.as_str()) {
                out.push(Tok::Func(name));
            } else {
                out.push(Tok::Name(name));
            }
            continue;
        }
        if c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&d) = cs.get(i) else {
                    return Err("unterminated string".to_owned());
                };
                i += 1;
                match d {
                    '"' => break,
                    '\\' => {
                        let Some(&e) = cs.get(i) else { break };
                        i += 1;
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            'r' => s.push('\r'),
                            '\\' => s.push('\\'),
                            '"' => s.push('"'),
                            '/' => s.push('/'),
                            'a' => s.push('\u{7}'),
                            'b' => s.push('\u{8}'),
                            o => {
                                s.push('\\');
                                s.push(o);
                            }
                        }
                    }
                    d => s.push(d),
                }
            }
            out.push(Tok::Str(s));
            continue;
        }
        if c == '/' {
            // a regex where an operand may start
            let operand_pos = !matches!(
                out.last(),
                Some(
                    Tok::Num(_)
                        | Tok::Str(_)
                        | Tok::Name(_)
                        | Tok::Re(_)
                        | Tok::Op(")" | "]" | "$")
                )
            );
            if operand_pos {
                i += 1;
                let mut s = String::new();
                let mut in_br = false;
                loop {
                    let Some(&d) = cs.get(i) else {
                        return Err("unterminated regexp".to_owned());
                    };
                    i += 1;
                    if d == '\\' {
                        if let Some(&e) = cs.get(i) {
                            i += 1;
                            if e == '/' {
                                s.push('/');
                            } else {
                                s.push('\\');
                                s.push(e);
                            }
                        }
                        continue;
                    }
                    if d == '[' {
                        in_br = true;
                    } else if d == ']' {
                        in_br = false;
                    } else if d == '/' && !in_br {
                        break;
                    }
                    s.push(d);
                }
                out.push(Tok::Re(s));
                continue;
            }
        }
        let rest: String = cs[i..cs.len().min(i + 2)].iter().collect();
        match OPS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                out.push(Tok::Op(op));
                i += op.chars().count();
            }
            None => return Err(format!("unexpected character '{c}'")),
        }
    }
    out.push(Tok::Eof);
    Ok(out)
}

/// An awk expression.
#[derive(Debug, Clone)]
enum Expr {
    Num(f64),
    Str(String),
    Re(String),
    Var(String),
    Field(Box<Expr>),
    Index(String, Vec<Expr>),
    In(Vec<Expr>, String),
    Assign(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Incr(bool, i8, Box<Expr>),
    Call(String, Vec<Expr>),
    Group(Box<Expr>),
}

/// An awk statement.
#[derive(Debug, Clone)]
enum Stmt {
    Expr(Expr),
    Print(Vec<Expr>, Option<(bool, Expr)>),
    Printf(Vec<Expr>, Option<(bool, Expr)>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    Do(Box<Stmt>, Expr),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Return(Option<Expr>),
    Break,
    Continue,
    Delete(String, Option<Vec<Expr>>),
    Nop,
}

/// What selects a pattern-action item.
enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
    Range(Expr, Expr),
}

struct Func {
    params: Vec<String>,
    body: Stmt,
}

/// Pattern-action items and the functions.
type Program = (Vec<(Pattern, Option<Stmt>)>, HashMap<String, Func>);

/// The recursive-descent parser over the tokens.
struct Parser {
    t: Vec<Tok>,
    i: usize,
    depth: u32,
}

type ParseResult<T> = Result<T, String>;

impl Parser {
    fn peek(&self) -> &Tok {
        self.t.get(self.i).unwrap_or(&Tok::Eof)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn eat(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, op: &str) -> ParseResult<()> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(format!(
                "syntax error: expected '{op}' near {:?}",
                self.peek()
            ))
        }
    }
    fn nls(&mut self) {
        while matches!(self.peek(), Tok::Nl) || self.is_op(";") {
            self.i += 1;
        }
    }
    fn opt_nl(&mut self) {
        while matches!(self.peek(), Tok::Nl) {
            self.i += 1;
        }
    }

    fn program(&mut self) -> ParseResult<Program> {
        let mut items = Vec::new();
        let mut funcs = HashMap::new();
        self.nls();
        while !matches!(self.peek(), Tok::Eof) {
            if let Tok::Name(n) = self.peek().clone() {
                if n == "function" || n == "func" {
                    self.i += 1;
                    let name = match self.peek().clone() {
                        Tok::Func(f) | Tok::Name(f) => f,
                        _ => return Err("syntax error: function name".to_owned()),
                    };
                    self.i += 1;
                    self.expect("(")?;
                    let mut params = Vec::new();
                    while let Tok::Name(p) = self.peek().clone() {
                        params.push(p);
                        self.i += 1;
                        if !self.eat(",") {
                            break;
                        }
                        self.opt_nl();
                    }
                    self.expect(")")?;
                    self.opt_nl();
                    let body = self.block()?;
                    funcs.insert(name, Func { params, body });
                    self.nls();
                    continue;
                }
            }
            let pat = match self.peek().clone() {
                Tok::Name(n) if n == "BEGIN" => {
                    self.i += 1;
                    Pattern::Begin
                }
                Tok::Name(n) if n == "END" => {
                    self.i += 1;
                    Pattern::End
                }
                Tok::Op("{") => Pattern::All,
                _ => {
                    let a = self.expr()?;
                    if self.eat(",") {
                        self.opt_nl();
                        let b = self.expr()?;
                        Pattern::Range(a, b)
                    } else {
                        Pattern::Expr(a)
                    }
                }
            };
            let action = if self.is_op("{") {
                Some(self.block()?)
            } else {
                None
            };
            items.push((pat, action));
            self.nls();
        }
        Ok((items, funcs))
    }

    fn block(&mut self) -> ParseResult<Stmt> {
        self.expect("{")?;
        let mut v = Vec::new();
        self.nls();
        while !self.is_op("}") {
            if matches!(self.peek(), Tok::Eof) {
                return Err("syntax error: missing '}'".to_owned());
            }
            v.push(self.stmt()?);
            self.nls();
        }
        self.i += 1;
        Ok(Stmt::Block(v))
    }

    fn simple_or_block(&mut self) -> ParseResult<Stmt> {
        self.opt_nl();
        if self.eat(";") {
            return Ok(Stmt::Nop);
        }
        self.stmt()
    }

    fn stmt(&mut self) -> ParseResult<Stmt> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("nested too deeply".to_owned());
        }
        let r = self.stmt_inner();
        self.depth -= 1;
        r
    }

    fn redirect(&mut self) -> ParseResult<Option<(bool, Expr)>> {
        if self.eat(">") {
            return Ok(Some((false, self.concat(true)?)));
        }
        if self.eat(">>") {
            return Ok(Some((true, self.concat(true)?)));
        }
        if self.is_op("|") {
            return Err("output pipes are not simulated".to_owned());
        }
        Ok(None)
    }

    fn stmt_inner(&mut self) -> ParseResult<Stmt> {
        if self.is_op("{") {
            return self.block();
        }
        let t = self.peek().clone();
        if let Tok::Name(n) = &t {
            match n.as_str() {
                "if" => {
                    self.i += 1;
                    self.expect("(")?;
                    let c = self.expr()?;
                    self.expect(")")?;
                    let a = self.simple_or_block()?;
                    let save = self.i;
                    self.nls();
                    if matches!(self.peek(), Tok::Name(e) if e == "else") {
                        self.i += 1;
                        let b = self.simple_or_block()?;
                        return Ok(Stmt::If(c, Box::new(a), Some(Box::new(b))));
                    }
                    self.i = save;
                    return Ok(Stmt::If(c, Box::new(a), None));
                }
                "while" => {
                    self.i += 1;
                    self.expect("(")?;
                    let c = self.expr()?;
                    self.expect(")")?;
                    if self.eat(";") {
                        return Ok(Stmt::While(c, Box::new(Stmt::Nop)));
                    }
                    let b = self.simple_or_block()?;
                    return Ok(Stmt::While(c, Box::new(b)));
                }
                "do" => {
                    self.i += 1;
                    let b = self.simple_or_block()?;
                    self.nls();
                    if !matches!(self.peek(), Tok::Name(w) if w == "while") {
                        return Err("syntax error: expected while".to_owned());
                    }
                    self.i += 1;
                    self.expect("(")?;
                    let c = self.expr()?;
                    self.expect(")")?;
                    return Ok(Stmt::Do(Box::new(b), c));
                }
                "for" => {
                    self.i += 1;
                    self.expect("(")?;
                    if let (
                        Tok::Name(k),
                        Some(Tok::Name(inw)),
                        Some(Tok::Name(arr)),
                        Some(Tok::Op(")")),
                    ) = (
                        self.peek().clone(),
                        self.t.get(self.i + 1).cloned(),
                        self.t.get(self.i + 2).cloned(),
                        self.t.get(self.i + 3).cloned(),
                    ) {
                        if inw == "in" {
                            self.i += 4;
                            let b = self.simple_or_block()?;
                            return Ok(Stmt::ForIn(k, arr, Box::new(b)));
                        }
                    }
                    let init = if self.is_op(";") {
                        None
                    } else {
                        Some(Box::new(Stmt::Expr(self.expr()?)))
                    };
                    self.expect(";")?;
                    self.opt_nl();
                    let cond = if self.is_op(";") {
                        None
                    } else {
                        Some(self.expr()?)
                    };
                    self.expect(";")?;
                    self.opt_nl();
                    let step = if self.is_op(")") {
                        None
                    } else {
                        Some(Box::new(Stmt::Expr(self.expr()?)))
                    };
                    self.expect(")")?;
                    if self.eat(";") {
                        return Ok(Stmt::For(init, cond, step, Box::new(Stmt::Nop)));
                    }
                    let b = self.simple_or_block()?;
                    return Ok(Stmt::For(init, cond, step, Box::new(b)));
                }
                "next" => {
                    self.i += 1;
                    return Ok(Stmt::Next);
                }
                "break" => {
                    self.i += 1;
                    return Ok(Stmt::Break);
                }
                "continue" => {
                    self.i += 1;
                    return Ok(Stmt::Continue);
                }
                "exit" | "return" => {
                    self.i += 1;
                    let e = if matches!(self.peek(), Tok::Nl | Tok::Eof)
                        || self.is_op(";")
                        || self.is_op("}")
                    {
                        None
                    } else {
                        Some(self.expr()?)
                    };
                    return Ok(if n == "exit" {
                        Stmt::Exit(e)
                    } else {
                        Stmt::Return(e)
                    });
                }
                "delete" => {
                    self.i += 1;
                    let Tok::Name(a) = self.peek().clone() else {
                        return Err("syntax error: delete".to_owned());
                    };
                    self.i += 1;
                    if self.eat("[") {
                        let idx = self.expr_list()?;
                        self.expect("]")?;
                        return Ok(Stmt::Delete(a, Some(idx)));
                    }
                    return Ok(Stmt::Delete(a, None));
                }
                "getline" => return Err("getline is not simulated".to_owned()),
                "print" | "printf" => {
                    self.i += 1;
                    let mut args = Vec::new();
                    if !(matches!(self.peek(), Tok::Nl | Tok::Eof)
                        || self.is_op(";")
                        || self.is_op("}")
                        || self.is_op(">")
                        || self.is_op(">>")
                        || self.is_op("|"))
                    {
                        let parenthesized = self.is_op("(");
                        let save = self.i;
                        if parenthesized {
                            self.i += 1;
                            let list = self.expr_list()?;
                            if self.eat(")")
                                && (matches!(self.peek(), Tok::Nl | Tok::Eof)
                                    || self.is_op(";")
                                    || self.is_op("}")
                                    || self.is_op(">")
                                    || self.is_op(">>"))
                            {
                                args = list;
                            } else {
                                self.i = save;
                                args = self.print_list()?;
                            }
                        } else {
                            args = self.print_list()?;
                        }
                    }
                    let red = self.redirect()?;
                    return Ok(if n == "print" {
                        Stmt::Print(args, red)
                    } else {
                        Stmt::Printf(args, red)
                    });
                }
                _ => {}
            }
        }
        Ok(Stmt::Expr(self.expr()?))
    }

    fn print_list(&mut self) -> ParseResult<Vec<Expr>> {
        let mut v = vec![self.ternary(true)?];
        while self.eat(",") {
            self.opt_nl();
            v.push(self.ternary(true)?);
        }
        Ok(v)
    }

    fn expr_list(&mut self) -> ParseResult<Vec<Expr>> {
        let mut v = vec![self.expr()?];
        while self.eat(",") {
            self.opt_nl();
            v.push(self.expr()?);
        }
        Ok(v)
    }

    fn expr(&mut self) -> ParseResult<Expr> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("nested too deeply".to_owned());
        }
        let r = self.ternary(false);
        self.depth -= 1;
        r
    }

    fn ternary(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let c = self.or(no_gt)?;
        if let Tok::Op(op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^=")) = self.peek().clone() {
            if matches!(c, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
                self.i += 1;
                self.opt_nl();
                let rhs = self.ternary(no_gt)?;
                return Ok(Expr::Assign(op, Box::new(c), Box::new(rhs)));
            }
        }
        if self.eat("?") {
            self.opt_nl();
            let a = self.ternary(no_gt)?;
            self.opt_nl();
            self.expect(":")?;
            self.opt_nl();
            let b = self.ternary(no_gt)?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }

    fn or(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let mut l = self.and(no_gt)?;
        while self.eat("||") {
            self.opt_nl();
            let r = self.and(no_gt)?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let mut l = self.in_(no_gt)?;
        while self.eat("&&") {
            self.opt_nl();
            let r = self.in_(no_gt)?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn in_(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let mut l = self.matching(no_gt)?;
        while matches!(self.peek(), Tok::Name(n) if n == "in") {
            self.i += 1;
            let Tok::Name(a) = self.peek().clone() else {
                return Err("syntax error: in".to_owned());
            };
            self.i += 1;
            let keys = match l {
                Expr::Group(g) => vec![*g],
                other => vec![other],
            };
            l = Expr::In(keys, a);
        }
        Ok(l)
    }

    fn matching(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let mut l = self.cmp(no_gt)?;
        loop {
            let neg = if self.eat("~") {
                false
            } else if self.eat("!~") {
                true
            } else {
                return Ok(l);
            };
            let r = self.cmp(no_gt)?;
            l = Expr::Match(neg, Box::new(l), Box::new(r));
        }
    }

    fn cmp(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let l = self.concat(no_gt)?;
        for op in ["<", "<=", "!=", "==", ">", ">="] {
            if no_gt && op == ">" {
                continue;
            }
            if self.is_op(op) {
                self.i += 1;
                let r = self.concat(no_gt)?;
                return Ok(Expr::Bin(op, Box::new(l), Box::new(r)));
            }
        }
        Ok(l)
    }

    fn starts_operand(&self) -> bool {
        match self.peek() {
            Tok::Num(_) | Tok::Str(_) | Tok::Re(_) | Tok::Func(_) => true,
            Tok::Name(n) => n != "in" && n != "getline",
            Tok::Op(o) => matches!(*o, "$" | "(" | "!" | "-" | "+" | "++" | "--"),
            _ => false,
        }
    }

    fn concat(&mut self, no_gt: bool) -> ParseResult<Expr> {
        let mut l = self.additive()?;
        while self.starts_operand() && !self.is_op("-") && !self.is_op("+") && !self.is_op("!") {
            let r = self.additive()?;
            l = Expr::Concat(Box::new(l), Box::new(r));
        }
        let _ = no_gt;
        Ok(l)
    }

    fn additive(&mut self) -> ParseResult<Expr> {
        let mut l = self.mul()?;
        loop {
            let op = if self.is_op("+") {
                "+"
            } else if self.is_op("-") {
                "-"
            } else {
                return Ok(l);
            };
            self.i += 1;
            let r = self.mul()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn mul(&mut self) -> ParseResult<Expr> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op(o @ ("*" | "/" | "%")) => *o,
                _ => return Ok(l),
            };
            self.i += 1;
            let r = self.unary()?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }

    fn unary(&mut self) -> ParseResult<Expr> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return Ok(Expr::Bin(
                "+",
                Box::new(Expr::Num(0.0)),
                Box::new(self.unary()?),
            ));
        }
        self.power()
    }

    fn power(&mut self) -> ParseResult<Expr> {
        let b = self.postfix()?;
        if self.eat("^") {
            let e = self.unary()?;
            return Ok(Expr::Bin("^", Box::new(b), Box::new(e)));
        }
        Ok(b)
    }

    fn postfix(&mut self) -> ParseResult<Expr> {
        if self.is_op("++") || self.is_op("--") {
            let d = if self.is_op("++") { 1 } else { -1 };
            self.i += 1;
            let e = self.postfix()?;
            return Ok(Expr::Incr(true, d, Box::new(e)));
        }
        let e = self.primary()?;
        if matches!(e, Expr::Var(_) | Expr::Field(_) | Expr::Index(..)) {
            if self.eat("++") {
                return Ok(Expr::Incr(false, 1, Box::new(e)));
            }
            if self.eat("--") {
                return Ok(Expr::Incr(false, -1, Box::new(e)));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> ParseResult<Expr> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("nested too deeply".to_owned());
        }
        let t = self.peek().clone();
        self.i += 1;
        let r = match t {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Re(r) => Ok(Expr::Re(r)),
            Tok::Op("$") => {
                let e = self.postfix_operand()?;
                Ok(Expr::Field(Box::new(e)))
            }
            Tok::Op("(") => {
                let e = self.expr()?;
                if self.eat(",") {
                    let mut keys = vec![e];
                    keys.extend(self.expr_list()?);
                    self.expect(")")?;
                    if !matches!(self.peek(), Tok::Name(n) if n == "in") {
                        return Err("syntax error: (a, b) without in".to_owned());
                    }
                    self.i += 1;
                    let Tok::Name(a) = self.peek().clone() else {
                        return Err("syntax error: in".to_owned());
                    };
                    self.i += 1;
                    return Ok(Expr::In(keys, a));
                }
                self.expect(")")?;
                Ok(Expr::Group(Box::new(e)))
            }
            Tok::Func(f) => {
                self.expect("(")?;
                let mut args = Vec::new();
                self.opt_nl();
                if !self.is_op(")") {
                    args = self.expr_list()?;
                }
                self.opt_nl();
                self.expect(")")?;
                Ok(Expr::Call(f, args))
            }
            Tok::Name(n) => {
                if n == "length" {
                    return Ok(Expr::Call(n, Vec::new()));
                }
                if self.eat("[") {
                    let idx = self.expr_list()?;
                    self.expect("]")?;
                    Ok(Expr::Index(n, idx))
                } else {
                    Ok(Expr::Var(n))
                }
            }
            other => Err(format!("syntax error: unexpected {other:?}")),
        };
        self.depth -= 1;
        r
    }

    fn postfix_operand(&mut self) -> ParseResult<Expr> {
        if self.is_op("++") || self.is_op("--") || self.is_op("-") {
            return self.unary();
        }
        self.primary()
    }
}

/// An awk value.
#[derive(Clone, Debug)]
enum Value {
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// Input text that may be numeric (fields, split elements).
    StrNum(String),
    /// Never assigned (both `""` and `0`).
    Uninit,
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.parse::<f64>().is_ok() && !t.contains(['i', 'n', 'I', 'N'])
}

fn str_num(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut seen_e = false;
    while end < b.len() {
        let c = b[end];
        if c.is_ascii_digit() {
            seen_digit = true;
        } else if (c == b'+' || c == b'-')
            && (end == 0 || (seen_e && matches!(b[end - 1], b'e' | b'E')))
        {
        } else if c == b'.' && !seen_dot && !seen_e {
            seen_dot = true;
        } else if (c == b'e' || c == b'E') && seen_digit && !seen_e {
            seen_e = true;
        } else {
            break;
        }
        end += 1;
    }
    let mut s = &t[..end];
    while !s.is_empty() && s.parse::<f64>().is_err() {
        s = &s[..s.len() - 1];
    }
    s.parse().unwrap_or(0.0)
}

fn num_to_str(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e16 {
        format!("{}", v as i64)
    } else {
        format::c_g(v, 6, false)
    }
}

impl Value {
    fn num(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Str(s) | Value::StrNum(s) => str_num(s),
            Value::Uninit => 0.0,
        }
    }
    fn str(&self) -> String {
        match self {
            Value::Num(n) => num_to_str(*n),
            Value::Str(s) | Value::StrNum(s) => s.clone(),
            Value::Uninit => String::new(),
        }
    }
    fn truth(&self) -> bool {
        match self {
            Value::Num(n) => *n != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::StrNum(s) => {
                if looks_numeric(s) {
                    str_num(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
            Value::Uninit => false,
        }
    }
    fn is_numeric(&self) -> bool {
        match self {
            Value::Num(_) | Value::Uninit => true,
            Value::StrNum(s) => looks_numeric(s),
            Value::Str(_) => false,
        }
    }
}

enum Flow {
    Next,
    Exit,
    Return(Value),
    Break,
    Continue,
}

struct Run<'s, 'a, 'i> {
    sh: &'s mut Shell<'a>,
    io: &'i mut Io,
    vars: HashMap<String, Value>,
    arrays: HashMap<String, HashMap<String, Value>>,
    fields: Vec<String>,
    record: String,
    funcs: &'i HashMap<String, Func>,
    locals: Vec<HashMap<String, Value>>,
    local_arrays: Vec<HashMap<String, HashMap<String, Value>>>,
    files: HashMap<String, ()>,
    exit_code: i32,
    steps: u64,
    depth: u32,
    rand: u64,
    pending_exit: bool,
}

type EvalResult = Result<Value, Ctl>;

impl Run<'_, '_, '_> {
    fn get(&self, n: &str) -> Value {
        for l in self.locals.iter().rev().take(1) {
            if let Some(v) = l.get(n) {
                return v.clone();
            }
        }
        match n {
            "NF" => Value::Num(self.fields.len() as f64),
            _ => self.vars.get(n).cloned().unwrap_or(Value::Uninit),
        }
    }

    fn set(&mut self, n: &str, v: Value) {
        if let Some(l) = self.locals.last_mut() {
            if l.contains_key(n) {
                l.insert(n.to_owned(), v);
                return;
            }
        }
        if n == "NF" {
            let k = (v.num().max(0.0) as usize).min(100_000);
            self.fields.resize(k, String::new());
            self.rebuild();
            return;
        }
        self.vars.insert(n.to_owned(), v);
    }

    fn array(&mut self, n: &str) -> &mut HashMap<String, Value> {
        if self.local_arrays.last().is_some_and(|l| l.contains_key(n)) {
            if let Some(l) = self.local_arrays.last_mut() {
                if let Some(a) = l.get_mut(n) {
                    return a;
                }
            }
        }
        self.arrays.entry(n.to_owned()).or_default()
    }

    /// A value as a string in an expression: a non-integral number goes through `CONVFMT`.
    fn convert(&self, v: &Value) -> String {
        match v {
            Value::Num(n) if *n != n.trunc() => match self.vars.get("CONVFMT").map(Value::str) {
                Some(f) if f != "%.6g" => format(&[Value::Str(f), v.clone()]),
                _ => v.str(),
            },
            other => other.str(),
        }
    }

    fn ofs(&self) -> String {
        self.vars
            .get("OFS")
            .map(Value::str)
            .unwrap_or_else(|| " ".to_owned())
    }

    fn rebuild(&mut self) {
        self.record = self.fields.join(&self.ofs());
    }

    fn split_record(&mut self) {
        let fs = self
            .vars
            .get("FS")
            .map(Value::str)
            .unwrap_or_else(|| " ".to_owned());
        self.fields = split_fs(&self.record, &fs);
    }

    fn field(&self, i: usize) -> Value {
        if i == 0 {
            return Value::StrNum(self.record.clone());
        }
        self.fields
            .get(i - 1)
            .map(|s| Value::StrNum(s.clone()))
            .unwrap_or(Value::Uninit)
    }

    fn set_field(&mut self, i: usize, v: String) {
        if i == 0 {
            self.record = v;
            self.split_record();
            return;
        }
        if i > 100_000 {
            return;
        }
        if self.fields.len() < i {
            self.fields.resize(i, String::new());
        }
        self.fields[i - 1] = v;
        self.rebuild();
    }

    fn key(&mut self, idx: &[Expr]) -> Result<String, Ctl> {
        let sep = self
            .vars
            .get("SUBSEP")
            .map(Value::str)
            .unwrap_or_else(|| "\u{1c}".to_owned());
        let mut parts = Vec::new();
        for e in idx {
            parts.push(self.eval(e)?.str());
        }
        Ok(parts.join(&sep))
    }

    fn regex(&mut self, e: &Expr) -> Result<Option<re::Regex>, Ctl> {
        let src = match e {
            Expr::Re(r) => r.clone(),
            other => self.eval(other)?.str(),
        };
        match re::compile(&src, true, false).ok() {
            Some(r) => Ok(Some(r)),
            None => {
                self.io.err(&format!("bad regex '{src}'"));
                Ok(None)
            }
        }
    }

    fn assign(&mut self, target: &Expr, v: Value) -> Result<(), Ctl> {
        match target {
            Expr::Var(n) => self.set(n, v),
            Expr::Field(i) => {
                let k = self.eval(i)?.num().max(0.0) as usize;
                self.set_field(k, v.str());
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx)?;
                self.array(a).insert(k, v);
            }
            _ => {}
        }
        Ok(())
    }

    fn eval(&mut self, e: &Expr) -> EvalResult {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) {
            self.sh.step()?;
        }
        Ok(match e {
            Expr::Num(n) => Value::Num(*n),
            Expr::Str(s) => Value::Str(s.clone()),
            Expr::Re(_) => {
                let r = self.regex(e)?;
                Value::Num(f64::from(u8::from(
                    r.is_some_and(|r| r.is_match(self.record.as_bytes())),
                )))
            }
            Expr::Var(n) => self.get(n),
            Expr::Group(g) => self.eval(g)?,
            Expr::Field(i) => {
                let k = self.eval(i)?.num().max(0.0) as usize;
                self.field(k)
            }
            Expr::Index(a, idx) => {
                let k = self.key(idx)?;
                self.array(a).entry(k).or_insert(Value::Uninit).clone()
            }
            Expr::In(idx, a) => {
                let k = self.key(idx)?;
                Value::Num(f64::from(u8::from(self.array(a).contains_key(&k))))
            }
            Expr::Assign(op, t, rhs) => {
                let r = self.eval(rhs)?;
                let v = if *op == "=" {
                    r
                } else {
                    let cur = self.eval(t)?.num();
                    let b = r.num();
                    Value::Num(arith(&op[..1], cur, b))
                };
                self.assign(t, v.clone())?;
                v
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truth() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::And(a, b) => Value::Num(f64::from(u8::from(
                self.eval(a)?.truth() && self.eval(b)?.truth(),
            ))),
            Expr::Or(a, b) => Value::Num(f64::from(u8::from(
                self.eval(a)?.truth() || self.eval(b)?.truth(),
            ))),
            Expr::Not(a) => Value::Num(f64::from(u8::from(!self.eval(a)?.truth()))),
            Expr::Neg(a) => Value::Num(-self.eval(a)?.num()),
            Expr::Bin(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                match *op {
                    "<" | "<=" | "==" | "!=" | ">" | ">=" => {
                        let o = if x.is_numeric() && y.is_numeric() {
                            x.num()
                                .partial_cmp(&y.num())
                                .unwrap_or(std::cmp::Ordering::Equal)
                        } else {
                            x.str().cmp(&y.str())
                        };
                        use std::cmp::Ordering::*;
                        let t = match *op {
                            "<" => o == Less,
                            "<=" => o != Greater,
                            "==" => o == Equal,
                            "!=" => o != Equal,
                            ">" => o == Greater,
                            _ => o != Less,
                        };
                        Value::Num(f64::from(u8::from(t)))
                    }
                    _ => {
                        if matches!(*op, "/" | "%") && y.num() == 0.0 {
                            self.io.err("division by zero");
                            return Err(Ctl::Exit(2));
                        }
                        Value::Num(arith(op, x.num(), y.num()))
                    }
                }
            }
            Expr::Match(neg, s, r) => {
                let text = self.eval(s)?.str();
                let m = self.regex(r)?.is_some_and(|r| r.is_match(text.as_bytes()));
                Value::Num(f64::from(u8::from(m != *neg)))
            }
            Expr::Concat(a, b) => {
                let a = self.eval(a)?;
                let b = self.eval(b)?;
                let mut s = self.convert(&a);
                s.push_str(&self.convert(&b));
                if s.len() > 64 << 20 {
                    return Err(self.sh.limit(crate::exec::Limit::Output));
                }
                Value::Str(s)
            }
            Expr::Incr(pre, d, t) => {
                let cur = self.eval(t)?.num();
                let nv = cur + f64::from(*d);
                self.assign(t, Value::Num(nv))?;
                Value::Num(if *pre { nv } else { cur })
            }
            Expr::Call(f, args) => self.call(f, args)?,
        })
    }

    fn call(&mut self, f: &str, args: &[Expr]) -> EvalResult {
        let arg = |me: &mut Self, i: usize| -> EvalResult {
            match args.get(i) {
                Some(e) => me.eval(e),
                None => Ok(Value::Uninit),
            }
        };
        Ok(match f {
            "length" => match args.first() {
                None => Value::Num(self.record.chars().count() as f64),
                Some(Expr::Var(n)) if self.arrays.contains_key(n) => {
                    Value::Num(self.arrays[n].len() as f64)
                }
                Some(_) => Value::Num(arg(self, 0)?.str().chars().count() as f64),
            },
            "substr" => {
                let s: Vec<char> = arg(self, 0)?.str().chars().collect();
                let m = arg(self, 1)?.num().round();
                let n = if args.len() > 2 {
                    arg(self, 2)?.num().round()
                } else {
                    f64::INFINITY
                };
                let start = m.max(1.0);
                let end = (m + n).min(s.len() as f64 + 1.0);
                if end <= start {
                    Value::Str(String::new())
                } else {
                    Value::Str(s[(start as usize - 1)..(end as usize - 1)].iter().collect())
                }
            }
            "index" => {
                let s = arg(self, 0)?.str();
                let t = arg(self, 1)?.str();
                Value::Num(s.find(&t).map(|b| s[..b].chars().count() + 1).unwrap_or(0) as f64)
            }
            "split" => {
                let s = arg(self, 0)?.str();
                let Some(Expr::Var(a)) = args.get(1) else {
                    return Ok(Value::Num(0.0));
                };
                let fs = if args.len() > 2 {
                    match &args[2] {
                        Expr::Re(r) => r.clone(),
                        e => self.eval(e)?.str(),
                    }
                } else {
                    self.vars
                        .get("FS")
                        .map(Value::str)
                        .unwrap_or_else(|| " ".to_owned())
                };
                let parts = split_fs(&s, &fs);
                let arr = self.array(a);
                arr.clear();
                for (i, p) in parts.iter().enumerate() {
                    arr.insert((i + 1).to_string(), Value::StrNum(p.clone()));
                }
                Value::Num(parts.len() as f64)
            }
            "sub" | "gsub" => {
                let Some(r) = (match args.first() {
                    Some(e) => self.regex(e)?,
                    None => None,
                }) else {
                    return Ok(Value::Num(0.0));
                };
                let repl = arg(self, 1)?.str();
                let target = args
                    .get(2)
                    .cloned()
                    .unwrap_or(Expr::Field(Box::new(Expr::Num(0.0))));
                let text = self.eval(&target)?.str();
                let text = text.as_bytes();
                let mut out = Vec::new();
                let mut last = 0;
                let mut n = 0;
                let mut buf = [0; 4];
                for m in r.find_iter(text) {
                    out.extend_from_slice(&text[last..m.start()]);
                    let mut cs = repl.chars().peekable();
                    while let Some(c) = cs.next() {
                        match c {
                            '\\' if matches!(cs.peek(), Some('&') | Some('\\')) => {
                                let c = cs.next().unwrap_or('\\');
                                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            }
                            '&' => out.extend_from_slice(m.as_bytes()),
                            c => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
                        }
                    }
                    last = m.end();
                    n += 1;
                    if f == "sub" {
                        break;
                    }
                }
                if n > 0 {
                    out.extend_from_slice(&text[last..]);
                    let out = String::from_utf8_lossy(&out).into_owned();
                    self.assign(&target, Value::Str(out))?;
                }
                Value::Num(n as f64)
            }
            "match" => {
                let s = arg(self, 0)?.str();
                let r = match args.get(1) {
                    Some(e) => self.regex(e)?,
                    None => None,
                };
                let s = s.as_bytes();
                let (start, len) = match r.and_then(|r| r.find(s)) {
                    Some(m) => (
                        re::char_count(&s[..m.start()]) as f64 + 1.0,
                        re::char_count(m.as_bytes()) as f64,
                    ),
                    None => (0.0, -1.0),
                };
                self.vars.insert("RSTART".to_owned(), Value::Num(start));
                self.vars.insert("RLENGTH".to_owned(), Value::Num(len));
                Value::Num(start)
            }
            "sprintf" => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                Value::Str(format(&vals))
            }
            "tolower" => Value::Str(arg(self, 0)?.str().to_lowercase()),
            "toupper" => Value::Str(arg(self, 0)?.str().to_uppercase()),
            "int" => Value::Num(arg(self, 0)?.num().trunc()),
            "sqrt" => Value::Num(arg(self, 0)?.num().sqrt()),
            "exp" => Value::Num(arg(self, 0)?.num().exp()),
            "log" => Value::Num(arg(self, 0)?.num().ln()),
            "sin" => Value::Num(arg(self, 0)?.num().sin()),
            "cos" => Value::Num(arg(self, 0)?.num().cos()),
            "atan2" => {
                let y = arg(self, 0)?.num();
                Value::Num(y.atan2(arg(self, 1)?.num()))
            }
            "rand" => {
                self.rand = self
                    .rand
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                Value::Num((self.rand >> 11) as f64 / (1u64 << 53) as f64)
            }
            "srand" => {
                let old = self.rand;
                self.rand = arg(self, 0)?.num() as u64;
                Value::Num(old as f64)
            }
            "close" | "fflush" => Value::Num(0.0),
            "system" => {
                let cmd = arg(self, 0)?.str();
                let out = std::mem::take(&mut self.io.out);
                self.sh.write_fd(1, &out)?;
                let (st, o, e) = self
                    .sh
                    .run_captured(&["sh".to_owned(), "-c".to_owned(), cmd], Vec::new())?;
                self.sh.write_fd(1, &o)?;
                self.sh.write_fd(2, &e)?;
                Value::Num(f64::from(st))
            }
            name => {
                let Some(func) = self.funcs.get(name) else {
                    self.io.err(&format!("function '{name}' is not defined"));
                    return Err(Ctl::Exit(2));
                };
                self.depth += 1;
                if self.depth > 200 {
                    return Err(self.sh.limit(crate::exec::Limit::Depth));
                }
                let mut frame = HashMap::new();
                let mut aframe = HashMap::new();
                for (i, p) in func.params.iter().enumerate() {
                    match args.get(i) {
                        Some(Expr::Var(n)) if self.arrays.contains_key(n) => {
                            // arrays are passed by reference: alias by name
                            let a = self.arrays.get(n).cloned().unwrap_or_default();
                            aframe.insert(p.clone(), a);
                        }
                        Some(e) => {
                            let v = self.eval(e)?;
                            frame.insert(p.clone(), v);
                        }
                        None => {
                            frame.insert(p.clone(), Value::Uninit);
                        }
                    }
                }
                self.locals.push(frame);
                self.local_arrays.push(aframe);
                let body = func.body.clone();
                let r = self.exec(&body);
                self.locals.pop();
                self.local_arrays.pop();
                self.depth -= 1;
                match r? {
                    Some(Flow::Return(v)) => v,
                    Some(Flow::Exit) => {
                        self.pending_exit = true;
                        Value::Uninit
                    }
                    _ => Value::Uninit,
                }
            }
        })
    }

    fn out_to(&mut self, red: &Option<(bool, Expr)>, text: String) -> Result<(), Ctl> {
        match red {
            None => {
                self.io.out.extend_from_slice(text.as_bytes());
                if self.io.out.len() as u64 > self.sh.budget.limits.max_output {
                    return Err(self.sh.limit(crate::exec::Limit::Output));
                }
            }
            Some((append, e)) => {
                let name = self.eval(e)?.str();
                if name == "/dev/stdout" || name == "-" {
                    self.io.out.extend_from_slice(text.as_bytes());
                    return Ok(());
                }
                if name == "/dev/stderr" {
                    self.io.err.extend_from_slice(text.as_bytes());
                    return Ok(());
                }
                let p = self.sh.abs(&name);
                if crate::shell::interp::is_dev_null(&p) {
                    return Ok(());
                }
                self.sh
                    .budget
                    .write(text.len() as u64)
                    .map_err(|l| self.sh.limit(l))?;
                let attrs = self.sh.new_file_attrs();
                let first = !self.files.contains_key(&name);
                self.files.insert(name.clone(), ());
                let r = if first && !append {
                    self.sh.fs.write(
                        &p,
                        strata_image::Content::from_bytes(text.into_bytes()),
                        attrs,
                        self.sh.now,
                    )
                } else {
                    self.sh.fs.append(&p, text.as_bytes(), attrs, self.sh.now)
                };
                if let Err(e) = r {
                    self.io
                        .err(&format!("can't open '{name}': {}", super::errno_msg(&e)));
                    return Err(Ctl::Exit(2));
                }
            }
        }
        Ok(())
    }

    fn exec(&mut self, s: &Stmt) -> Result<Option<Flow>, Ctl> {
        if self.pending_exit {
            return Ok(Some(Flow::Exit));
        }
        match s {
            Stmt::Nop => {}
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::Print(args, red) => {
                let text = if args.is_empty() {
                    self.record.clone()
                } else {
                    let mut parts = Vec::new();
                    for a in args {
                        let v = self.eval(a)?;
                        parts.push(match v {
                            Value::Num(n) if n != n.trunc() => {
                                let ofmt = self
                                    .vars
                                    .get("OFMT")
                                    .map(Value::str)
                                    .unwrap_or_else(|| "%.6g".to_owned());
                                if ofmt == "%.6g" {
                                    format::c_g(n, 6, false)
                                } else {
                                    format(&[Value::Str(ofmt), Value::Num(n)])
                                }
                            }
                            v => v.str(),
                        });
                    }
                    parts.join(&self.ofs())
                };
                let ors = self
                    .vars
                    .get("ORS")
                    .map(Value::str)
                    .unwrap_or_else(|| "\n".to_owned());
                self.out_to(red, format!("{text}{ors}"))?;
            }
            Stmt::Printf(args, red) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let text = format(&vals);
                self.out_to(red, text)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truth() {
                    return self.exec(a);
                } else if let Some(b) = b {
                    return self.exec(b);
                }
            }
            Stmt::While(c, b) => {
                let mut n = 0u64;
                while self.eval(c)?.truth() {
                    n += 1;
                    if n > self.sh.budget.limits.max_loop_iterations {
                        return Err(self.sh.limit(crate::exec::Limit::LoopIterations));
                    }
                    match self.exec(b)? {
                        Some(Flow::Break) => break,
                        Some(Flow::Continue) | None => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Do(b, c) => {
                let mut n = 0u64;
                loop {
                    n += 1;
                    if n > self.sh.budget.limits.max_loop_iterations {
                        return Err(self.sh.limit(crate::exec::Limit::LoopIterations));
                    }
                    match self.exec(b)? {
                        Some(Flow::Break) => break,
                        Some(Flow::Continue) | None => {}
                        other => return Ok(other),
                    }
                    if !self.eval(c)?.truth() {
                        break;
                    }
                }
            }
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.exec(i)?;
                }
                let mut n = 0u64;
                loop {
                    if let Some(c) = cond {
                        if !self.eval(c)?.truth() {
                            break;
                        }
                    }
                    n += 1;
                    if n > self.sh.budget.limits.max_loop_iterations {
                        return Err(self.sh.limit(crate::exec::Limit::LoopIterations));
                    }
                    match self.exec(body)? {
                        Some(Flow::Break) => break,
                        Some(Flow::Continue) | None => {}
                        other => return Ok(other),
                    }
                    if let Some(st) = step {
                        self.exec(st)?;
                    }
                }
            }
            Stmt::ForIn(k, a, body) => {
                let mut keys: Vec<String> = self.array(a).keys().cloned().collect();
                strata_image::sort::sort_by(&mut keys, |x, y| {
                    match (x.parse::<f64>(), y.parse::<f64>()) {
                        (Ok(p), Ok(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
                        _ => x.cmp(y),
                    }
                });
                for key in keys {
                    self.set(k, Value::StrNum(key));
                    match self.exec(body)? {
                        Some(Flow::Break) => break,
                        Some(Flow::Continue) | None => {}
                        other => return Ok(other),
                    }
                }
            }
            Stmt::Block(v) => {
                for st in v {
                    if let Some(f) = self.exec(st)? {
                        return Ok(Some(f));
                    }
                }
            }
            Stmt::Next => return Ok(Some(Flow::Next)),
            Stmt::Break => return Ok(Some(Flow::Break)),
            Stmt::Continue => return Ok(Some(Flow::Continue)),
            Stmt::Exit(e) => {
                if let Some(e) = e {
                    self.exit_code = self.eval(e)?.num() as i32;
                }
                self.pending_exit = true;
                return Ok(Some(Flow::Exit));
            }
            Stmt::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e)?,
                    None => Value::Uninit,
                };
                return Ok(Some(Flow::Return(v)));
            }
            Stmt::Delete(a, idx) => match idx {
                Some(idx) => {
                    let k = self.key(idx)?;
                    self.array(a).remove(&k);
                }
                None => self.array(a).clear(),
            },
        }
        Ok(None)
    }
}

fn arith(op: &str, a: f64, b: f64) -> f64 {
    match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => {
            if b == 0.0 {
                0.0
            } else {
                a / b
            }
        }
        "%" => {
            if b == 0.0 {
                0.0
            } else {
                a % b
            }
        }
        "^" => a.powf(b),
        _ => 0.0,
    }
}

fn split_fs(s: &str, fs: &str) -> Vec<String> {
    if fs == " " {
        return s.split_whitespace().map(str::to_owned).collect();
    }
    if s.is_empty() {
        return Vec::new();
    }
    if fs.chars().count() == 1 && fs != "\\" {
        let c = fs.chars().next().unwrap_or(' ');
        return s.split(c).map(str::to_owned).collect();
    }
    match re::compile(fs, true, false).ok() {
        Some(r) => r
            .split(s.as_bytes())
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect(),
        None => vec![s.to_owned()],
    }
}

/// awk's printf formatting.
fn format(vals: &[Value]) -> String {
    let Some(fmt) = vals.first() else {
        return String::new();
    };
    let fmt: Vec<char> = fmt.str().chars().collect();
    let mut out = String::new();
    let mut ai = 1;
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        if fmt.get(i + 1) == Some(&'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let Some(c) = format::parse(&fmt, i) else {
            out.extend(&fmt[i..]);
            break;
        };
        let j = c.end;
        let spec = format::Spec::new(&c, || {
            let w = vals.get(ai).map(|v| v.num() as i64).unwrap_or(0);
            ai += 1;
            w
        });
        let v = vals.get(ai).cloned().unwrap_or(Value::Uninit);
        ai += 1;
        let body = match c.conv {
            'd' | 'i' | 'o' | 'x' | 'X' | 'u' => spec.int(v.num().trunc() as i64),
            'c' => spec.pad(&match v {
                Value::Num(n) => char::from_u32(n as u32)
                    .map(String::from)
                    .unwrap_or_default(),
                other => other
                    .str()
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default(),
            }),
            's' => spec.str(&v.str()),
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => spec.float(v.num()),
            _ => {
                out.extend(&fmt[i..j]);
                i = j;
                continue;
            }
        };
        out.push_str(&body);
        i = j;
    }
    out
}

fn unescape_assign(v: &str) -> String {
    let mut out = String::new();
    let mut cs = v.chars();
    while let Some(c) = cs.next() {
        if c == '\\' {
            match cs.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `awk [-F FS] [-v VAR=VAL] [-f FILE | 'PROGRAM'] [FILE…]`.
pub fn awk(sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> R {
    let mut i = 1;
    let mut fs: Option<String> = None;
    let mut assigns: Vec<(String, String)> = Vec::new();
    let mut prog: Option<String> = None;
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            i += 1;
            break;
        }
        if let Some(f) = a.strip_prefix("-F") {
            let v = if f.is_empty() {
                i += 1;
                argv.get(i).cloned().unwrap_or_default()
            } else {
                f.to_owned()
            };
            fs = Some(if v == "t" || v == "\\t" {
                "\t".to_owned()
            } else {
                unescape_assign(&v)
            });
        } else if let Some(v) = a.strip_prefix("-v") {
            let v = if v.is_empty() {
                i += 1;
                argv.get(i).cloned().unwrap_or_default()
            } else {
                v.to_owned()
            };
            if let Some((k, val)) = v.split_once('=') {
                assigns.push((k.to_owned(), unescape_assign(val)));
            }
        } else if a == "-f" {
            i += 1;
            let f = argv.get(i).cloned().unwrap_or_default();
            match sh.fs.read(&sh.abs(&f)) {
                Ok(c) => prog = Some(String::from_utf8_lossy(&c.bytes()).into_owned()),
                Err(e) => {
                    io.err(&format!("can't open '{f}': {}", super::errno_msg(&e)));
                    return Ok(2);
                }
            }
        } else if a.starts_with('-') && a.len() > 1 {
            io.err(&format!("invalid option -- '{}'", &a[1..]));
            return Ok(1);
        } else {
            break;
        }
        i += 1;
    }
    if prog.is_none() {
        match argv.get(i) {
            Some(p) => {
                prog = Some(p.clone());
                i += 1;
            }
            None => {
                io.err("usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...");
                return Ok(1);
            }
        }
    }
    let operands: Vec<String> = argv[i..].to_vec();
    let toks = match lex(prog.as_deref().unwrap_or("")) {
        Ok(t) => t,
        Err(e) => {
            io.err(&format!("cmd. line:1: {e}"));
            return Ok(2);
        }
    };
    let mut p = Parser {
        t: toks,
        i: 0,
        depth: 0,
    };
    let (items, funcs) = match p.program() {
        Ok(x) => x,
        Err(e) => {
            if e.contains("not simulated") {
                sh.notes.push(crate::exec::Note::Unsupported {
                    command: argv.join(" "),
                    detail: format!("awk: {e}"),
                });
            }
            io.err(&format!("cmd. line:1: {e}"));
            return Ok(2);
        }
    };
    let mut vars = HashMap::new();
    for (k, v) in [
        ("FS", " "),
        ("OFS", " "),
        ("ORS", "\n"),
        ("RS", "\n"),
        ("SUBSEP", "\u{1c}"),
        ("OFMT", "%.6g"),
        ("CONVFMT", "%.6g"),
    ] {
        vars.insert(k.to_owned(), Value::Str(v.to_owned()));
    }
    if let Some(f) = fs {
        vars.insert("FS".to_owned(), Value::Str(f));
    }
    for (k, v) in assigns {
        vars.insert(k, Value::StrNum(v));
    }
    let mut arrays: HashMap<String, HashMap<String, Value>> = HashMap::new();
    let env: HashMap<String, Value> = sh
        .env_map()
        .into_iter()
        .map(|(k, v)| (k, Value::StrNum(v)))
        .collect();
    arrays.insert("ENVIRON".to_owned(), env);
    let mut argv_arr = HashMap::new();
    argv_arr.insert("0".to_owned(), Value::Str("awk".to_owned()));
    for (k, o) in operands.iter().enumerate() {
        argv_arr.insert((k + 1).to_string(), Value::Str(o.clone()));
    }
    arrays.insert("ARGV".to_owned(), argv_arr);
    vars.insert("ARGC".to_owned(), Value::Num((operands.len() + 1) as f64));
    vars.insert("NR".to_owned(), Value::Num(0.0));
    let mut run = Run {
        sh,
        io,
        vars,
        arrays,
        fields: Vec::new(),
        record: String::new(),
        funcs: &funcs,
        locals: Vec::new(),
        local_arrays: Vec::new(),
        files: HashMap::new(),
        exit_code: 0,
        steps: 0,
        depth: 0,
        rand: 0,
        pending_exit: false,
    };
    run.main(&items, &operands)
}

impl Run<'_, '_, '_> {
    fn main(&mut self, items: &[(Pattern, Option<Stmt>)], operands: &[String]) -> R {
        let mut in_range = vec![false; items.len()];
        for (pat, act) in items {
            if matches!(pat, Pattern::Begin) {
                if let Some(a) = act {
                    self.exec(a)?;
                }
                if self.pending_exit {
                    return self.finish(items, true);
                }
            }
        }
        let has_main = items.iter().any(|(p, _)| !matches!(p, Pattern::Begin));
        if !has_main {
            return Ok(self.exit_code);
        }
        // files and var=value operands, in order
        let mut sources: Vec<Option<String>> = Vec::new();
        for o in operands {
            if let Some((k, v)) = o.split_once('=') {
                if crate::shell::parser::is_name(k) {
                    sources.push(Some(format!("\u{0}{k}={v}")));
                    continue;
                }
            }
            sources.push(Some(o.clone()));
        }
        if !sources
            .iter()
            .any(|s| s.as_deref().is_some_and(|s| !s.starts_with('\u{0}')))
        {
            sources.push(None);
        }
        let mut nr = 0f64;
        'files: for src in sources {
            let (name, data) = match src {
                Some(s) if s.starts_with('\u{0}') => {
                    if let Some((k, v)) = s[1..].split_once('=') {
                        self.vars
                            .insert(k.to_owned(), Value::StrNum(unescape_assign(v)));
                    }
                    continue;
                }
                Some(f) => {
                    let mut got =
                        inputs(self.sh, self.io, std::slice::from_ref(&f), ErrStyle::Plain);
                    match got.pop().and_then(|(_, d)| d) {
                        Some(d) => (f, d),
                        None => {
                            self.exit_code = 1;
                            continue;
                        }
                    }
                }
                None => ("".to_owned(), self.io.stdin_all()),
            };
            self.vars.insert("FILENAME".to_owned(), Value::Str(name));
            let text = String::from_utf8_lossy(&data).into_owned();
            let rs = self
                .vars
                .get("RS")
                .map(Value::str)
                .unwrap_or_else(|| "\n".to_owned());
            let records: Vec<String> = if rs.is_empty() {
                text.split("\n\n")
                    .map(|r| r.trim_matches('\n').to_owned())
                    .filter(|r| !r.is_empty())
                    .collect()
            } else {
                let sep = rs.chars().next().unwrap_or('\n');
                let mut v: Vec<String> = text.split(sep).map(str::to_owned).collect();
                if v.last().is_some_and(|l| l.is_empty()) {
                    v.pop();
                }
                v
            };
            let mut fnr = 0f64;
            for rec in records {
                nr += 1.0;
                fnr += 1.0;
                self.vars.insert("NR".to_owned(), Value::Num(nr));
                self.vars.insert("FNR".to_owned(), Value::Num(fnr));
                self.record = rec;
                self.split_record();
                self.sh.step()?;
                for (k, (pat, act)) in items.iter().enumerate() {
                    let hit = match pat {
                        Pattern::Begin | Pattern::End => false,
                        Pattern::All => true,
                        Pattern::Expr(e) => self.eval(e)?.truth(),
                        Pattern::Range(a, b) => {
                            if in_range[k] {
                                if self.eval(b)?.truth() {
                                    in_range[k] = false;
                                }
                                true
                            } else if self.eval(a)?.truth() {
                                in_range[k] = !self.eval(b)?.truth();
                                true
                            } else {
                                false
                            }
                        }
                    };
                    if !hit {
                        continue;
                    }
                    let flow = match act {
                        Some(a) => self.exec(a)?,
                        None => {
                            let line = format!(
                                "{}{}",
                                self.record,
                                self.vars
                                    .get("ORS")
                                    .map(Value::str)
                                    .unwrap_or_else(|| "\n".to_owned())
                            );
                            self.out_to(&None, line)?;
                            None
                        }
                    };
                    match flow {
                        Some(Flow::Next) => break,
                        Some(Flow::Exit) => break 'files,
                        _ => {}
                    }
                    if self.pending_exit {
                        break 'files;
                    }
                }
            }
        }
        self.finish(items, false)
    }

    fn finish(&mut self, items: &[(Pattern, Option<Stmt>)], from_begin: bool) -> R {
        let _ = from_begin;
        self.pending_exit = false;
        for (pat, act) in items {
            if matches!(pat, Pattern::End) {
                if let Some(a) = act {
                    self.exec(a)?;
                    if self.pending_exit {
                        break;
                    }
                }
            }
        }
        Ok(self.exit_code)
    }
}
