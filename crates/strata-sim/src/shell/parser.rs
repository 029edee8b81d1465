//! The parser: script text to [`Command`]s, one complete command (a line) at a time, as `ash` reads.
//!
//! Lexing and parsing are one pass over the characters: what a character means depends on where the parser
//! is (a word, a `${…}`, a here-document body), so a separate token stream would only get in the way.

use std::cell::RefCell;
use std::rc::Rc;

use super::ast::{Command, Param, ParamOp, Redir, RedirOp, Word, WordPart};

/// Nesting bound: deeper input is a syntax error, never a stack overflow.
const MAX_NESTING: u32 = 40;

const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "{", "}", "!",
];

/// A here-document waiting for its body (read after the next newline).
struct Pending {
    delim: String,
    strip_tabs: bool,
    quoted: bool,
    body: Rc<RefCell<Word>>,
}

/// Where a word is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// An ordinary word.
    Plain,
    /// The word after an operator in `${x-…}` (ends at `}`).
    Brace { in_dq: bool },
}

/// The parser over one script.
pub struct Parser {
    src: Vec<char>,
    pos: usize,
    line: u32,
    pending: Vec<Pending>,
    depth: u32,
}

type PResult<T> = Result<T, String>;

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Whether `s` is a valid variable name.
pub fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(is_name_start) && cs.all(is_name_char)
}

fn describe(tok: &str) -> String {
    if tok == "\n" {
        "newline".to_owned()
    } else if tok.is_empty() {
        "end of file".to_owned()
    } else {
        format!("\"{tok}\"")
    }
}

impl Parser {
    /// A parser over `text`.
    pub fn new(text: &str) -> Parser {
        Parser {
            src: text.chars().collect(),
            pos: 0,
            line: 1,
            pending: Vec::new(),
            depth: 0,
        }
    }

    /// Bytes of the text consumed so far.
    pub fn consumed_bytes(&self) -> usize {
        self.src[..self.pos.min(self.src.len())]
            .iter()
            .map(|c| c.len_utf8())
            .sum()
    }

    /// The current line number (1-based).
    pub fn line(&self) -> u32 {
        self.line
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.pos + n).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.src.get(self.pos + k) == Some(&c))
    }

    /// Skips blanks, line continuations and a comment.
    fn blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t') => self.pos += 1,
                Some('\\') if self.peek_at(1) == Some('\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                Some('#') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// The operator at the cursor (after blanks), without consuming it.
    fn peek_op(&mut self) -> Option<&'static str> {
        self.blanks();
        const OPS: &[&str] = &[
            "&>>", "&>", "&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "|", "&",
            ";", "<", ">", "(", ")", "\n",
        ];
        OPS.iter().copied().find(|op| self.starts_with(op))
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek_op() == Some(op) {
            if op == "\n" {
                self.newline();
            } else {
                self.pos += op.chars().count();
            }
            true
        } else {
            false
        }
    }

    /// Consumes a newline and reads the here-document bodies waiting for it.
    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        let pending = std::mem::take(&mut self.pending);
        for p in pending {
            let mut body = String::new();
            loop {
                if self.pos >= self.src.len() {
                    break;
                }
                let start = self.pos;
                while self.pos < self.src.len() && self.src[self.pos] != '\n' {
                    self.pos += 1;
                }
                let mut line: String = self.src[start..self.pos].iter().collect();
                if self.pos < self.src.len() {
                    self.pos += 1;
                }
                self.line += 1;
                if p.strip_tabs {
                    line = line.trim_start_matches('\t').to_owned();
                }
                if line == p.delim {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            let word = if p.quoted {
                vec![WordPart::Quoted(body)]
            } else {
                let mut sub = Parser::new(&body);
                sub.depth = self.depth;
                match sub.dq_parts(None, true) {
                    Ok(parts) => parts,
                    Err(_) => vec![WordPart::Quoted(body)],
                }
            };
            *p.body.borrow_mut() = word;
        }
    }

    /// The next token's text, for an error message.
    fn next_token_text(&mut self) -> String {
        if let Some(op) = self.peek_op() {
            return op.to_owned();
        }
        let save = (self.pos, self.line);
        let text = match self.word(Mode::Plain) {
            Ok(Some((_, raw))) => raw,
            _ => String::new(),
        };
        (self.pos, self.line) = save;
        text
    }

    fn unexpected(&mut self) -> String {
        let t = self.next_token_text();
        if t.is_empty() {
            "syntax error: unexpected end of file".to_owned()
        } else {
            format!("syntax error: unexpected {}", describe(&t))
        }
    }

    fn expecting(&mut self, what: &str) -> String {
        let t = self.next_token_text();
        if t.is_empty() {
            format!("syntax error: unexpected end of file (expecting \"{what}\")")
        } else {
            format!(
                "syntax error: unexpected {} (expecting \"{what}\")",
                describe(&t)
            )
        }
    }

    /// The reserved word at the cursor, if the next token is one.
    fn peek_reserved(&mut self) -> Option<&'static str> {
        self.blanks();
        let mut i = self.pos;
        let mut s = String::new();
        while let Some(&c) = self.src.get(i) {
            if is_meta(c) || c == '\'' || c == '"' || c == '\\' || c == '$' || c == '`' {
                break;
            }
            s.push(c);
            i += 1;
        }
        let end_ok = self.src.get(i).is_none_or(|&c| is_meta(c));
        if !end_ok {
            return None;
        }
        RESERVED.iter().copied().find(|r| *r == s)
    }

    fn eat_reserved(&mut self, w: &str) -> bool {
        if self.peek_reserved() == Some(w) {
            self.blanks();
            self.pos += w.chars().count();
            true
        } else {
            false
        }
    }

    fn expect_reserved(&mut self, w: &str) -> PResult<()> {
        if self.eat_reserved(w) {
            Ok(())
        } else {
            Err(self.expecting(w))
        }
    }

    fn linebreak(&mut self) {
        while self.eat_op("\n") {}
    }

    /// The next complete command (up to a newline at the top level), or `None` at the end of the text.
    pub fn next_command(&mut self) -> PResult<Option<Command>> {
        loop {
            self.blanks();
            if self.peek().is_none() {
                return Ok(None);
            }
            if !self.eat_op("\n") {
                break;
            }
        }
        if matches!(
            self.peek_op(),
            Some(";" | ";;" | "&" | "|" | "&&" | "||" | ")")
        ) {
            return Err(self.unexpected());
        }
        if matches!(
            self.peek_reserved(),
            Some("then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}" | "in")
        ) {
            return Err(self.unexpected());
        }
        let mut items = Vec::new();
        loop {
            items.push(self.and_or()?);
            match self.peek_op() {
                Some(";") | Some("&") => {
                    self.blanks();
                    self.pos += 1;
                    self.blanks();
                    if self.peek().is_none() || self.peek_op() == Some("\n") {
                        break;
                    }
                }
                Some("\n") | None if self.peek().is_none() || self.peek() == Some('\n') => break,
                _ => return Err(self.unexpected()),
            }
        }
        if self.peek_op() == Some("\n") {
            self.newline();
        }
        if !self.pending.is_empty() {
            // Here-document at the end of the text without a newline: empty body.
            self.pending.clear();
        }
        Ok(Some(if items.len() == 1 {
            items.remove(0)
        } else {
            Command::List(items)
        }))
    }

    /// Parses the whole text.
    pub fn parse_all(&mut self) -> PResult<Vec<Command>> {
        let mut out = Vec::new();
        while let Some(c) = self.next_command()? {
            out.push(c);
        }
        Ok(out)
    }

    fn at_list_end(&mut self, terms: &[&str]) -> bool {
        self.blanks();
        if self.peek().is_none() {
            return true;
        }
        if matches!(self.peek_op(), Some(")" | ";;")) {
            return true;
        }
        match self.peek_reserved() {
            Some(r) => terms.contains(&r),
            None => false,
        }
    }

    /// A list inside a compound command, up to one of `terms` (reserved words), `)` or `;;`.
    fn compound_list(&mut self, terms: &[&str]) -> PResult<Command> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("syntax error: nested too deeply".to_owned());
        }
        self.linebreak();
        let mut items = Vec::new();
        while !self.at_list_end(terms) {
            items.push(self.and_or()?);
            match self.peek_op() {
                Some(";") | Some("&") => {
                    self.pos += 1;
                    self.linebreak();
                }
                Some("\n") => self.linebreak(),
                _ => break,
            }
        }
        self.depth -= 1;
        if items.is_empty() {
            return Err(self.unexpected());
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Command::List(items)
        })
    }

    fn and_or(&mut self) -> PResult<Command> {
        let mut left = self.pipeline()?;
        loop {
            if self.eat_op("&&") {
                self.linebreak();
                let right = self.pipeline()?;
                left = Command::And(Box::new(left), Box::new(right));
            } else if self.eat_op("||") {
                self.linebreak();
                let right = self.pipeline()?;
                left = Command::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn pipeline(&mut self) -> PResult<Command> {
        let bang = self.eat_reserved("!");
        let mut cmds = vec![self.command()?];
        while self.peek_op() == Some("|") {
            self.pos += 1;
            self.linebreak();
            cmds.push(self.command()?);
        }
        if !bang && cmds.len() == 1 {
            return Ok(cmds.remove(0));
        }
        Ok(Command::Pipeline { bang, cmds })
    }

    fn redirs_after(&mut self) -> PResult<Vec<Redir>> {
        let mut out = Vec::new();
        while let Some(r) = self.redirection()? {
            out.push(r);
        }
        Ok(out)
    }

    fn command(&mut self) -> PResult<Command> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("syntax error: nested too deeply".to_owned());
        }
        let r = self.command_inner();
        self.depth -= 1;
        r
    }

    fn command_inner(&mut self) -> PResult<Command> {
        self.blanks();
        if self.starts_with("function") && self.peek_at(8).is_some_and(|c| c == ' ' || c == '\t') {
            self.pos += 8;
            self.blanks();
            let name = match self.word(Mode::Plain)? {
                Some((_, raw)) if !raw.is_empty() => raw,
                _ => return Err(self.unexpected()),
            };
            if self.eat_op("(") && !self.eat_op(")") {
                return Err(self.expecting(")"));
            }
            self.linebreak();
            let body = self.command()?;
            return Ok(Command::FuncDef {
                name,
                body: Rc::new(body),
            });
        }
        if let Some(r) = self.peek_reserved() {
            match r {
                "if" => {
                    self.eat_reserved("if");
                    let mut branches = Vec::new();
                    let cond = self.compound_list(&["then"])?;
                    self.expect_reserved("then")?;
                    let body = self.compound_list(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    let mut otherwise = None;
                    loop {
                        if self.eat_reserved("elif") {
                            let c = self.compound_list(&["then"])?;
                            self.expect_reserved("then")?;
                            let b = self.compound_list(&["elif", "else", "fi"])?;
                            branches.push((c, b));
                        } else if self.eat_reserved("else") {
                            otherwise = Some(Box::new(self.compound_list(&["fi"])?));
                            self.expect_reserved("fi")?;
                            break;
                        } else {
                            self.expect_reserved("fi")?;
                            break;
                        }
                    }
                    let redirs = self.redirs_after()?;
                    return Ok(Command::If {
                        branches,
                        otherwise,
                        redirs,
                    });
                }
                "while" | "until" => {
                    self.eat_reserved(r);
                    let cond = self.compound_list(&["do"])?;
                    self.expect_reserved("do")?;
                    let body = self.compound_list(&["done"])?;
                    self.expect_reserved("done")?;
                    let redirs = self.redirs_after()?;
                    return Ok(Command::Loop {
                        until: r == "until",
                        cond: Box::new(cond),
                        body: Box::new(body),
                        redirs,
                    });
                }
                "for" => {
                    self.eat_reserved("for");
                    self.blanks();
                    let var = match self.word(Mode::Plain)? {
                        Some((_, raw)) if is_name(&raw) => raw,
                        Some(_) => return Err("syntax error: bad for loop variable".to_owned()),
                        None => return Err(self.unexpected()),
                    };
                    let mut words = None;
                    self.linebreak();
                    if self.eat_reserved("in") {
                        let mut ws = Vec::new();
                        loop {
                            self.blanks();
                            if matches!(self.peek_op(), Some(";" | "\n")) || self.peek().is_none() {
                                break;
                            }
                            match self.word(Mode::Plain)? {
                                Some((w, _)) => ws.push(w),
                                None => return Err(self.unexpected()),
                            }
                        }
                        words = Some(ws);
                        if !self.eat_op(";") {
                            self.eat_op("\n");
                        }
                    } else {
                        self.eat_op(";");
                    }
                    self.linebreak();
                    self.expect_reserved("do")?;
                    let body = self.compound_list(&["done"])?;
                    self.expect_reserved("done")?;
                    let redirs = self.redirs_after()?;
                    return Ok(Command::For {
                        var,
                        words,
                        body: Box::new(body),
                        redirs,
                    });
                }
                "case" => {
                    self.eat_reserved("case");
                    self.blanks();
                    let word = match self.word(Mode::Plain)? {
                        Some((w, _)) => w,
                        None => return Err(self.unexpected()),
                    };
                    self.linebreak();
                    self.expect_reserved("in")?;
                    self.linebreak();
                    let mut arms = Vec::new();
                    loop {
                        self.linebreak();
                        if self.eat_reserved("esac") {
                            break;
                        }
                        self.eat_op("(");
                        let mut pats = Vec::new();
                        loop {
                            self.blanks();
                            match self.word(Mode::Plain)? {
                                Some((w, _)) => pats.push(w),
                                None => return Err(self.unexpected()),
                            }
                            if self.eat_op("|") {
                                continue;
                            }
                            if self.eat_op(")") {
                                break;
                            }
                            return Err(self.expecting(")"));
                        }
                        self.linebreak();
                        let body = if self.peek_op() == Some(";;")
                            || self.peek_reserved() == Some("esac")
                        {
                            Command::List(Vec::new())
                        } else {
                            self.compound_list(&["esac"])?
                        };
                        arms.push((pats, body));
                        if self.eat_op(";;") {
                            continue;
                        }
                        self.linebreak();
                        self.expect_reserved("esac")?;
                        break;
                    }
                    let redirs = self.redirs_after()?;
                    return Ok(Command::Case { word, arms, redirs });
                }
                "{" => {
                    self.eat_reserved("{");
                    let body = self.compound_list(&["}"])?;
                    self.expect_reserved("}")?;
                    let redirs = self.redirs_after()?;
                    return Ok(Command::Group(Box::new(body), redirs));
                }
                "!" => {}
                _ => return Err(self.unexpected()),
            }
        }
        if self.peek_op() == Some("(") {
            self.pos += 1;
            let body = self.compound_list(&[])?;
            if !self.eat_op(")") {
                return Err(self.expecting(")"));
            }
            let redirs = self.redirs_after()?;
            return Ok(Command::Subshell(Box::new(body), redirs));
        }
        self.simple()
    }

    fn simple(&mut self) -> PResult<Command> {
        let line = self.line;
        let mut assigns = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirs = Vec::new();
        loop {
            if let Some(r) = self.redirection()? {
                redirs.push(r);
                continue;
            }
            self.blanks();
            match self.peek() {
                None => break,
                Some(c) if is_meta(c) && c != ' ' && c != '\t' => {
                    if c == '(' && words.len() == 1 && assigns.is_empty() && redirs.is_empty() {
                        // name() compound-command
                        let name = match &words[0][..] {
                            [WordPart::Lit(n)] if is_name(n) || !n.is_empty() => n.clone(),
                            _ => return Err(self.unexpected()),
                        };
                        self.pos += 1;
                        if !self.eat_op(")") {
                            return Err(self.expecting(")"));
                        }
                        self.linebreak();
                        let body = self.command()?;
                        return Ok(Command::FuncDef {
                            name,
                            body: Rc::new(body),
                        });
                    }
                    break;
                }
                _ => {}
            }
            let Some((w, raw)) = self.word(Mode::Plain)? else {
                break;
            };
            if words.is_empty() {
                if let Some(eq) = raw.find('=') {
                    if is_name(&raw[..eq]) {
                        if let Some(value) = split_assignment(&w) {
                            assigns.push((raw[..eq].to_owned(), value));
                            continue;
                        }
                    }
                }
            }
            words.push(w);
        }
        if words.is_empty() && assigns.is_empty() && redirs.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Command::Simple {
            assigns,
            words,
            redirs,
            line,
        })
    }

    /// A redirection at the cursor, if there is one.
    fn redirection(&mut self) -> PResult<Option<Redir>> {
        self.blanks();
        let start = self.pos;
        let mut fd = None;
        let mut i = self.pos;
        while let Some(c) = self.src.get(i) {
            if c.is_ascii_digit() {
                i += 1;
            } else {
                break;
            }
        }
        if i > self.pos && matches!(self.src.get(i), Some('<' | '>')) {
            let digits: String = self.src[self.pos..i].iter().collect();
            fd = Some(digits.parse::<u32>().unwrap_or(u32::MAX));
            self.pos = i;
        }
        let op = match self.peek_op() {
            Some(op @ ("<<-" | "<<" | ">>" | "<&" | ">&" | "<>" | ">|" | "<" | ">")) => op,
            Some(op @ ("&>" | "&>>")) if fd.is_none() => op,
            _ => {
                self.pos = start;
                return Ok(None);
            }
        };
        self.pos += op.len();
        let default_fd = if op.starts_with('<') { 0 } else { 1 };
        let fd = fd.unwrap_or(default_fd);
        self.blanks();
        let Some((target, raw)) = self.word(Mode::Plain)? else {
            return Err(self.unexpected());
        };
        let op = match op {
            "<<" | "<<-" => {
                let quoted = target.iter().any(|p| !matches!(p, WordPart::Lit(_)));
                let delim = unquote_raw(&raw);
                let body = Rc::new(RefCell::new(Vec::new()));
                self.pending.push(Pending {
                    delim,
                    strip_tabs: op == "<<-",
                    quoted,
                    body: body.clone(),
                });
                RedirOp::HereDoc(body)
            }
            ">>" => RedirOp::Append,
            "&>" => RedirOp::OutErr(false),
            "&>>" => RedirOp::OutErr(true),
            "<&" => RedirOp::DupIn,
            ">&" => RedirOp::DupOut,
            "<>" => RedirOp::ReadWrite,
            "<" => RedirOp::In,
            _ => RedirOp::Out,
        };
        Ok(Some(Redir { fd, op, target }))
    }

    /// Reads one word; `None` when the cursor is at an operator or the end.
    fn word(&mut self, mode: Mode) -> PResult<Option<(Word, String)>> {
        let start = self.pos;
        let mut parts: Vec<WordPart> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<WordPart>| {
            if !lit.is_empty() {
                parts.push(WordPart::Lit(std::mem::take(lit)));
            }
        };
        if mode == Mode::Plain && self.peek() == Some('~') {
            let mut j = self.pos + 1;
            let mut user = String::new();
            while let Some(&c) = self.src.get(j) {
                if is_name_char(c) || c == '-' || c == '.' {
                    user.push(c);
                    j += 1;
                } else {
                    break;
                }
            }
            if self.src.get(j).is_none_or(|&c| c == '/' || is_meta(c)) {
                parts.push(WordPart::Tilde(user));
                self.pos = j;
            }
        }
        while let Some(c) = self.peek() {
            match mode {
                Mode::Plain if is_meta(c) => break,
                Mode::Brace { .. } if c == '}' => break,
                _ => {}
            }
            let in_dq = matches!(mode, Mode::Brace { in_dq: true });
            match c {
                '$' if !in_dq && self.peek_at(1) == Some('\'') => {
                    flush(&mut lit, &mut parts);
                    self.pos += 2;
                    let mut s = String::new();
                    loop {
                        match self.peek() {
                            None => {
                                return Err("syntax error: unterminated quoted string".to_owned())
                            }
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some('\\') => {
                                let n = self.peek_at(1).unwrap_or('\\');
                                self.pos += 2;
                                match n {
                                    'n' => s.push('\n'),
                                    't' => s.push('\t'),
                                    'r' => s.push('\r'),
                                    'a' => s.push('\u{7}'),
                                    'b' => s.push('\u{8}'),
                                    'e' | 'E' => s.push('\u{1b}'),
                                    'f' => s.push('\u{c}'),
                                    'v' => s.push('\u{b}'),
                                    '\\' | '\'' | '"' | '?' => s.push(n),
                                    'x' => {
                                        let mut v = 0u32;
                                        let mut k = 0;
                                        while k < 2
                                            && self.peek().is_some_and(|c| c.is_ascii_hexdigit())
                                        {
                                            v = v * 16
                                                + self
                                                    .peek()
                                                    .and_then(|c| c.to_digit(16))
                                                    .unwrap_or(0);
                                            self.pos += 1;
                                            k += 1;
                                        }
                                        s.push(char::from_u32(v).unwrap_or('?'));
                                    }
                                    '0'..='7' => {
                                        let mut v = n.to_digit(8).unwrap_or(0);
                                        let mut k = 1;
                                        while k < 3
                                            && self.peek().is_some_and(|c| ('0'..='7').contains(&c))
                                        {
                                            v = v * 8
                                                + self
                                                    .peek()
                                                    .and_then(|c| c.to_digit(8))
                                                    .unwrap_or(0);
                                            self.pos += 1;
                                            k += 1;
                                        }
                                        s.push(char::from_u32(v).unwrap_or('?'));
                                    }
                                    o => {
                                        s.push('\\');
                                        s.push(o);
                                    }
                                }
                            }
                            Some(ch) => {
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    parts.push(WordPart::Quoted(s));
                }
                '\'' if !in_dq => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.peek() {
                            None => {
                                return Err("syntax error: unterminated quoted string".to_owned())
                            }
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                if ch == '\n' {
                                    self.line += 1;
                                }
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    parts.push(WordPart::Quoted(s));
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.pos += 1;
                    let inner = self.dq_parts(Some('"'), false)?;
                    parts.push(WordPart::Double(inner));
                }
                '\\' => {
                    flush(&mut lit, &mut parts);
                    match self.peek_at(1) {
                        Some('\n') => {
                            self.pos += 2;
                            self.line += 1;
                        }
                        Some(n) => {
                            self.pos += 2;
                            if in_dq && !matches!(n, '$' | '`' | '"' | '\\' | '}') {
                                parts.push(WordPart::Quoted(format!("\\{n}")));
                            } else {
                                parts.push(WordPart::Quoted(n.to_string()));
                            }
                        }
                        None => {
                            self.pos += 1;
                            parts.push(WordPart::Quoted("\\".to_owned()));
                        }
                    }
                }
                '$' => {
                    flush(&mut lit, &mut parts);
                    let p = self.dollar(in_dq)?;
                    parts.push(p);
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    let p = self.backtick(in_dq)?;
                    parts.push(p);
                }
                _ => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        if self.pos == start && mode == Mode::Plain {
            return Ok(None);
        }
        let raw: String = self.src[start..self.pos].iter().collect();
        if in_dq_quote_all(mode) {
            // Inside "${x:-…}" every piece is quoted.
            parts = parts
                .into_iter()
                .map(|p| match p {
                    WordPart::Lit(s) => WordPart::Quoted(s),
                    other => other,
                })
                .collect();
        }
        Ok(Some((parts, raw)))
    }

    /// The pieces of a double-quoted string up to `end` (or the end of the text for a here-document body).
    fn dq_parts(&mut self, end: Option<char>, heredoc: bool) -> PResult<Vec<WordPart>> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                if end.is_some() {
                    return Err("syntax error: unterminated quoted string".to_owned());
                }
                break;
            };
            if Some(c) == end {
                self.pos += 1;
                break;
            }
            match c {
                '\\' => {
                    let n = self.peek_at(1);
                    match n {
                        Some('\n') => {
                            self.pos += 2;
                            self.line += 1;
                        }
                        Some('$' | '`' | '\\') => {
                            lit.push(n.unwrap_or('\\'));
                            self.pos += 2;
                        }
                        Some('"') if !heredoc => {
                            lit.push('"');
                            self.pos += 2;
                        }
                        _ => {
                            lit.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                '$' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Quoted(std::mem::take(&mut lit)));
                    }
                    parts.push(self.dollar(true)?);
                }
                '`' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Quoted(std::mem::take(&mut lit)));
                    }
                    parts.push(self.backtick(true)?);
                }
                _ => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(WordPart::Quoted(lit));
        }
        Ok(parts)
    }

    fn backtick(&mut self, in_dq: bool) -> PResult<WordPart> {
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err("syntax error: unterminated quoted string".to_owned()),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let n = self.peek_at(1);
                    match n {
                        Some(c @ ('$' | '`' | '\\')) => {
                            s.push(c);
                            self.pos += 2;
                        }
                        Some('"') if in_dq => {
                            s.push('"');
                            self.pos += 2;
                        }
                        _ => {
                            s.push('\\');
                            self.pos += 1;
                        }
                    }
                }
                Some(c) => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
        let mut sub = Parser::new(&s);
        sub.depth = self.depth + 1;
        if sub.depth > MAX_NESTING {
            return Err("syntax error: nested too deeply".to_owned());
        }
        let cmds = sub.parse_all()?;
        Ok(WordPart::CmdSub(Rc::new(cmds)))
    }

    fn dollar(&mut self, in_dq: bool) -> PResult<WordPart> {
        // at '$'
        let next = self.peek_at(1);
        match next {
            Some('(') if self.peek_at(2) == Some('(') => {
                // $(( … )): find the matching "))".
                let mut j = self.pos + 3;
                let mut depth = 0i32;
                let mut found = None;
                while j < self.src.len() {
                    match self.src[j] {
                        '(' => depth += 1,
                        ')' if depth > 0 => depth -= 1,
                        ')' if self.src.get(j + 1) == Some(&')') => {
                            found = Some(j);
                            break;
                        }
                        ')' => break,
                        _ => {}
                    }
                    j += 1;
                }
                if let Some(end) = found {
                    let text: String = self.src[self.pos + 3..end].iter().collect();
                    self.pos = end + 2;
                    let mut sub = Parser::new(&text);
                    sub.depth = self.depth + 1;
                    let parts = sub.dq_parts(None, true)?;
                    return Ok(WordPart::Arith(parts));
                }
                self.cmdsub()
            }
            Some('(') => self.cmdsub(),
            Some('{') => {
                self.pos += 2;
                self.braced(in_dq)
            }
            Some(c) if is_name_start(c) => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if is_name_char(c) {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(plain_param(name))
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.pos += 2;
                Ok(plain_param(c.to_string()))
            }
            _ => {
                self.pos += 1;
                Ok(if in_dq {
                    WordPart::Quoted("$".to_owned())
                } else {
                    WordPart::Lit("$".to_owned())
                })
            }
        }
    }

    fn cmdsub(&mut self) -> PResult<WordPart> {
        self.pos += 2;
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("syntax error: nested too deeply".to_owned());
        }
        self.linebreak();
        let body = if self.peek_op() == Some(")") {
            Command::List(Vec::new())
        } else {
            self.compound_list(&[])?
        };
        self.depth -= 1;
        if !self.eat_op(")") {
            return Err(self.expecting(")"));
        }
        let cmds = match body {
            Command::List(v) => v,
            c => vec![c],
        };
        Ok(WordPart::CmdSub(Rc::new(cmds)))
    }

    fn braced(&mut self, in_dq: bool) -> PResult<WordPart> {
        // after "${"
        let mut length = false;
        if self.peek() == Some('#') && self.peek_at(1).is_some_and(|c| c != '}') {
            length = true;
            self.pos += 1;
        }
        let mut name = String::new();
        match self.peek() {
            Some(c) if is_name_start(c) => {
                while let Some(c) = self.peek() {
                    if is_name_char(c) {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            Some(c) if "@*#?$!-".contains(c) => {
                name.push(c);
                self.pos += 1;
            }
            _ => return Err("syntax error: bad substitution".to_owned()),
        }
        if length {
            if self.peek() != Some('}') {
                return Err("syntax error: bad substitution".to_owned());
            }
            self.pos += 1;
            return Ok(WordPart::Param(Box::new(Param {
                name,
                op: ParamOp::Length,
                colon: false,
                arg: Vec::new(),
                arg2: None,
            })));
        }
        if self.peek() == Some('/') {
            self.pos += 1;
            let all = self.peek() == Some('/');
            if all {
                self.pos += 1;
            }
            let pat = self.word_until(&['/', '}'], false)?;
            let repl = if self.peek() == Some('/') {
                self.pos += 1;
                Some(self.word_until(&['}'], in_dq)?)
            } else {
                None
            };
            if self.peek() != Some('}') {
                return Err("syntax error: missing '}'".to_owned());
            }
            self.pos += 1;
            return Ok(WordPart::Param(Box::new(Param {
                name,
                op: if all {
                    ParamOp::ReplaceAll
                } else {
                    ParamOp::ReplaceFirst
                },
                colon: false,
                arg: pat,
                arg2: Some(repl.unwrap_or_default()),
            })));
        }
        if self.peek() == Some(':') && !matches!(self.peek_at(1), Some('-' | '=' | '?' | '+')) {
            self.pos += 1;
            let off = self.word_until(&[':', '}'], true)?;
            let len = if self.peek() == Some(':') {
                self.pos += 1;
                Some(self.word_until(&['}'], true)?)
            } else {
                None
            };
            if self.peek() != Some('}') {
                return Err("syntax error: missing '}'".to_owned());
            }
            self.pos += 1;
            return Ok(WordPart::Param(Box::new(Param {
                name,
                op: ParamOp::Substring,
                colon: true,
                arg: off,
                arg2: len,
            })));
        }
        let mut colon = false;
        if self.peek() == Some(':') {
            colon = true;
            self.pos += 1;
        }
        let op = match self.peek() {
            Some('}') if !colon => {
                self.pos += 1;
                return Ok(plain_param(name));
            }
            Some('-') => ParamOp::Default,
            Some('=') => ParamOp::Assign,
            Some('?') => ParamOp::Error,
            Some('+') => ParamOp::Alternative,
            Some('#') if !colon => {
                if self.peek_at(1) == Some('#') {
                    self.pos += 1;
                    ParamOp::RemoveLargestPrefix
                } else {
                    ParamOp::RemoveSmallestPrefix
                }
            }
            Some('%') if !colon => {
                if self.peek_at(1) == Some('%') {
                    self.pos += 1;
                    ParamOp::RemoveLargestSuffix
                } else {
                    ParamOp::RemoveSmallestSuffix
                }
            }
            _ => return Err("syntax error: bad substitution".to_owned()),
        };
        self.pos += 1;
        let pattern_op = matches!(
            op,
            ParamOp::RemoveLargestPrefix
                | ParamOp::RemoveSmallestPrefix
                | ParamOp::RemoveLargestSuffix
                | ParamOp::RemoveSmallestSuffix
        );
        let arg = match self.word(Mode::Brace {
            in_dq: in_dq && !pattern_op,
        })? {
            Some((w, _)) => w,
            None => Vec::new(),
        };
        if self.peek() != Some('}') {
            return Err("syntax error: missing '}'".to_owned());
        }
        self.pos += 1;
        Ok(WordPart::Param(Box::new(Param {
            name,
            op,
            colon,
            arg,
            arg2: None,
        })))
    }
}

impl Parser {
    /// The pieces of a `${…}` operand up to one of `ends` (quotes, `$` and backslashes work inside).
    fn word_until(&mut self, ends: &[char], quoted: bool) -> PResult<Word> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if ends.contains(&c) {
                break;
            }
            match c {
                '\\' => {
                    if let Some(n) = self.peek_at(1) {
                        if !lit.is_empty() {
                            parts.push(WordPart::Lit(std::mem::take(&mut lit)));
                        }
                        parts.push(WordPart::Quoted(n.to_string()));
                        self.pos += 2;
                    } else {
                        lit.push(c);
                        self.pos += 1;
                    }
                }
                '$' | '`' | '\'' | '"' => {
                    if !lit.is_empty() {
                        parts.push(WordPart::Lit(std::mem::take(&mut lit)));
                    }
                    let part = match c {
                        '$' => self.dollar(quoted)?,
                        '`' => self.backtick(quoted)?,
                        '"' => {
                            self.pos += 1;
                            WordPart::Double(self.dq_parts(Some('"'), false)?)
                        }
                        _ => {
                            self.pos += 1;
                            let mut s = String::new();
                            loop {
                                match self.peek() {
                                    None => {
                                        return Err(
                                            "syntax error: unterminated quoted string".to_owned()
                                        )
                                    }
                                    Some('\'') => {
                                        self.pos += 1;
                                        break;
                                    }
                                    Some(ch) => {
                                        s.push(ch);
                                        self.pos += 1;
                                    }
                                }
                            }
                            WordPart::Quoted(s)
                        }
                    };
                    parts.push(part);
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        if !lit.is_empty() {
            parts.push(WordPart::Lit(lit));
        }
        if quoted {
            parts = parts
                .into_iter()
                .map(|p| match p {
                    WordPart::Lit(s) => WordPart::Quoted(s),
                    other => other,
                })
                .collect();
        }
        Ok(parts)
    }
}

fn in_dq_quote_all(mode: Mode) -> bool {
    matches!(mode, Mode::Brace { in_dq: true })
}

fn plain_param(name: String) -> WordPart {
    WordPart::Param(Box::new(Param {
        name,
        op: ParamOp::Plain,
        colon: false,
        arg: Vec::new(),
        arg2: None,
    }))
}

/// The value part of an assignment word `name=value`: the pieces after the first `=`.
fn split_assignment(w: &Word) -> Option<Word> {
    let Some(WordPart::Lit(first)) = w.first() else {
        return None;
    };
    let eq = first.find('=')?;
    let mut out = Vec::new();
    let mut rest = &first[eq + 1..];
    if let Some(after) = rest.strip_prefix('~') {
        let end = after.find(['/', ':']).unwrap_or(after.len());
        let user = &after[..end];
        if user
            .chars()
            .all(|c| is_name_char(c) || c == '-' || c == '.')
            && (end < after.len() || w.len() == 1)
        {
            out.push(WordPart::Tilde(user.to_owned()));
            rest = &after[end..];
        }
    }
    if !rest.is_empty() {
        out.push(WordPart::Lit(rest.to_owned()));
    }
    out.extend(w[1..].iter().cloned());
    Some(out)
}

/// A here-document delimiter with its quotes removed.
fn unquote_raw(raw: &str) -> String {
    let mut out = String::new();
    let mut cs = raw.chars();
    while let Some(c) = cs.next() {
        match c {
            '\'' | '"' => {}
            '\\' => {
                if let Some(n) = cs.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}
