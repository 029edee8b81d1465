//! The syntax [`super::translate`] writes (the `regex` crate's, byte-oriented, ASCII only) parsed into a tree
//! and compiled to a Thompson NFA, state for state as `regex-automata` compiles it, so that the Pike VM
//! ([`super::pikevm`]) finds the same leftmost-first matches and captures the `regex` crate found before it.
//!
//! The subset: literals (a non-ASCII character is its UTF-8 bytes), `\` before punctuation, `\n \t`,
//! `\w \W \s \S \d \D \b \B \< \>`, `\xHH`; `.` (any byte but newline); `^ $` (start and end of the text); groups
//! `( )` and `(?: )`; `|`; `* + ? {m} {m,} {m,n}`, each lazy with a `?` after it; bracket expressions with
//! ranges, escapes and `[:name:]` classes. Case-insensitive expressions fold ASCII letters only.

/// A set of bytes (256 bits).
pub type ByteSet = [u64; 4];

/// An assertion about the position between two bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Look {
    /// `^`: the start of the text.
    Start,
    /// `$`: the end of the text.
    End,
    /// `\b`: an ASCII word byte on one side only.
    Word,
    /// `\B`: not `\b`.
    NotWord,
    /// `\<`: a word byte after, none before.
    WordStart,
    /// `\>`: a word byte before, none after.
    WordEnd,
}

impl Look {
    /// Whether the assertion holds at `at` in `hs`.
    pub fn holds(self, hs: &[u8], at: usize) -> bool {
        let word = |i: Option<usize>| i.and_then(|i| hs.get(i)).is_some_and(|&b| is_word(b));
        let (before, after) = (word(at.checked_sub(1)), word(Some(at)));
        match self {
            Look::Start => at == 0,
            Look::End => at == hs.len(),
            Look::Word => before != after,
            Look::NotWord => before == after,
            Look::WordStart => !before && after,
            Look::WordEnd => before && !after,
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A state of the NFA.
#[derive(Clone, Debug)]
pub enum State {
    /// Goes on without reading.
    Empty(usize),
    /// Reads one byte of the set.
    Bytes(ByteSet, usize),
    /// Goes on where the assertion holds.
    Look(Look, usize),
    /// Goes on along each alternative, the first preferred.
    Union(Vec<usize>),
    /// A union whose alternatives are added in reverse preference (a lazy repetition's).
    UnionRev(Vec<usize>),
    /// Records the position in a capture slot.
    Save(usize, usize),
    /// The whole expression matched.
    Match,
}

/// A compiled expression: its states (the first is the start) and its number of capture groups (the whole
/// match included).
#[derive(Clone, Debug)]
pub struct Nfa {
    /// The states; `states[0]` starts.
    pub states: Vec<State>,
    /// Capture groups, group 0 (the whole match) included.
    pub groups: usize,
}

/// Why an expression does not compile.
#[derive(Debug)]
pub struct Error;

/// The nesting `regex-syntax` allows (groups and repetitions).
const NEST_LIMIT: u32 = 250;
/// States an NFA may have (about the 4 MiB `size_limit` the `regex` crate was given).
const STATE_LIMIT: usize = 100_000;
/// A search for captures keeps two slots per group for every state, in each of two thread lists: an
/// expression needing more than this many (64 MiB a list) is refused rather than run out of memory.
const SLOT_LIMIT: usize = 1 << 23;

/// A parsed expression.
#[derive(Clone, Debug)]
enum Node {
    Empty,
    Bytes(ByteSet),
    Look(Look),
    /// A group; capturing ones have their index.
    Group(Option<usize>, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Rep {
        sub: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

impl Node {
    /// The most bytes a match reads (`None`: no bound, or it never matches).
    fn max_len(&self) -> Option<usize> {
        match self {
            Node::Empty | Node::Look(_) => Some(0),
            Node::Bytes(s) => (*s != [0; 4]).then_some(1),
            Node::Group(_, n) => n.max_len(),
            Node::Concat(ns) => ns
                .iter()
                .try_fold(0usize, |a, n| a.checked_add(n.max_len()?)),
            Node::Alt(ns) => ns.iter().try_fold(0usize, |a, n| Some(a.max(n.max_len()?))),
            Node::Rep { sub, max, .. } => match (sub.max_len(), max) {
                (Some(0), _) => Some(0),
                (Some(l), Some(m)) => l.checked_mul(*m as usize),
                _ => None,
            },
        }
    }

    /// The fewest bytes a match reads (`None`: it never matches).
    fn min_len(&self) -> Option<usize> {
        match self {
            Node::Empty | Node::Look(_) => Some(0),
            Node::Bytes(s) => (*s != [0; 4]).then_some(1),
            Node::Group(_, n) => n.min_len(),
            Node::Concat(ns) => ns
                .iter()
                .try_fold(0usize, |a, n| Some(a.saturating_add(n.min_len()?))),
            Node::Alt(ns) => ns.iter().filter_map(Node::min_len).min(),
            Node::Rep { sub, min, .. } => match sub.min_len() {
                Some(l) => Some(l.saturating_mul(*min as usize)),
                None if *min == 0 => Some(0),
                None => None,
            },
        }
    }
}

/// A repetition, simplified as `regex-syntax`'s `Hir::repetition` does it (what can only match empty repeats at
/// most once; `{0}` is empty and `{1}` the expression itself).
fn repetition(sub: Node, mut min: u32, mut max: Option<u32>, greedy: bool) -> Node {
    if sub.max_len() == Some(0) {
        min = min.min(1);
        max = Some(max.map_or(1, |n| n.min(1)));
    }
    match (min, max) {
        (0, Some(0)) => Node::Empty,
        (1, Some(1)) => sub,
        _ => Node::Rep {
            sub: Box::new(sub),
            min,
            max,
            greedy,
        },
    }
}

/// Parses and compiles `re`, folding ASCII case when `icase`.
pub fn compile(re: &str, icase: bool) -> Result<Nfa, Error> {
    let mut p = Parser {
        cs: re.chars().collect(),
        i: 0,
        icase,
        groups: 1,
    };
    let node = p.alternation(0)?;
    if p.i < p.cs.len() {
        // a `)` nothing opened
        return Err(Error);
    }
    let mut c = Compiler {
        states: Vec::new(),
        groups: 1,
    };
    let start = c.push(State::Save(0, usize::MAX))?;
    let (s, e) = c.node(&node)?;
    c.patch(start, s);
    let end = c.push(State::Save(1, usize::MAX))?;
    c.patch(e, end);
    let m = c.push(State::Match)?;
    c.patch(end, m);
    if c.states.len().saturating_mul(2 * c.groups) > SLOT_LIMIT {
        return Err(Error);
    }
    Ok(Nfa {
        states: c.states,
        groups: c.groups,
    })
}

struct Parser {
    cs: Vec<char>,
    i: usize,
    icase: bool,
    groups: usize,
}

fn set_with(bytes: impl IntoIterator<Item = u8>) -> ByteSet {
    let mut s = [0; 4];
    for b in bytes {
        add(&mut s, b);
    }
    s
}

fn add(s: &mut ByteSet, b: u8) {
    s[usize::from(b >> 6)] |= 1 << (b & 63);
}

/// Whether the set holds `b`.
pub fn has(s: &ByteSet, b: u8) -> bool {
    s[usize::from(b >> 6)] & (1 << (b & 63)) != 0
}

fn negate(s: &mut ByteSet) {
    for w in s {
        *w = !*w;
    }
}

/// Adds the other case of each ASCII letter in the set.
fn fold(s: &mut ByteSet) {
    for b in b'A'..=b'Z' {
        if has(s, b) || has(s, b + 32) {
            add(s, b);
            add(s, b + 32);
        }
    }
}

/// The bytes of a `[:name:]` class, or of `\w`, `\s`, `\d` (by their letter).
fn named(name: &str) -> Option<ByteSet> {
    let f: fn(u8) -> bool = match name {
        "alnum" => |b| b.is_ascii_alphanumeric(),
        "alpha" => |b| b.is_ascii_alphabetic(),
        "ascii" => |b| b.is_ascii(),
        "blank" => |b| b == b' ' || b == b'\t',
        "cntrl" => |b| b.is_ascii_control(),
        "digit" | "d" => |b| b.is_ascii_digit(),
        "graph" => |b| b.is_ascii_graphic(),
        "lower" => |b| b.is_ascii_lowercase(),
        "print" => |b| b.is_ascii_graphic() || b == b' ',
        "punct" => |b| b.is_ascii_punctuation(),
        "space" | "s" => |b| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '),
        "upper" => |b| b.is_ascii_uppercase(),
        "word" | "w" => is_word,
        "xdigit" => |b| b.is_ascii_hexdigit(),
        _ => return None,
    };
    Some(set_with((0..=255u8).filter(|&b| f(b))))
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.cs.get(self.i).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    /// Branches separated by `|`, up to a `)` or the end.
    fn alternation(&mut self, depth: u32) -> Result<Node, Error> {
        if depth > NEST_LIMIT {
            return Err(Error);
        }
        let mut branches = vec![self.concat(depth)?];
        while self.eat('|') {
            branches.push(self.concat(depth)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self, depth: u32) -> Result<Node, Error> {
        let mut items: Vec<(Node, u32)> = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                '|' | ')' => break,
                '*' | '+' | '?' | '{' => {
                    self.i += 1;
                    let (min, max) = match c {
                        '*' => (0, None),
                        '+' => (1, None),
                        '?' => (0, Some(1)),
                        _ => self.counts()?,
                    };
                    let greedy = !self.eat('?');
                    let (sub, nest) = items.pop().ok_or(Error)?;
                    if nest >= NEST_LIMIT {
                        return Err(Error);
                    }
                    items.push((repetition(sub, min, max, greedy), nest + 1));
                }
                _ => {
                    let item = self.atom(depth)?;
                    items.push((item, depth));
                }
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().map_or(Node::Empty, |(n, _)| n),
            _ => Node::Concat(items.into_iter().map(|(n, _)| n).collect()),
        })
    }

    /// `{m}`, `{m,}` or `{m,n}` after the `{`.
    fn counts(&mut self) -> Result<(u32, Option<u32>), Error> {
        let min = self.decimal()?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.decimal()?)
            }
        } else {
            Some(min)
        };
        if !self.eat('}') || max.is_some_and(|m| m < min) {
            return Err(Error);
        }
        Ok((min, max))
    }

    fn decimal(&mut self) -> Result<u32, Error> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let digits: String = self.cs[start..self.i].iter().collect();
        digits.parse().map_err(|_| Error)
    }

    fn literal(&self, c: char) -> Node {
        let mut buf = [0; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let mut nodes: Vec<Node> = bytes
            .iter()
            .map(|&b| {
                let mut s = set_with([b]);
                if self.icase {
                    fold(&mut s);
                }
                Node::Bytes(s)
            })
            .collect();
        if nodes.len() == 1 {
            nodes.pop().unwrap_or(Node::Empty)
        } else {
            Node::Concat(nodes)
        }
    }

    fn atom(&mut self, depth: u32) -> Result<Node, Error> {
        let Some(c) = self.peek() else {
            return Err(Error);
        };
        self.i += 1;
        Ok(match c {
            '(' => {
                let index = if self.eat('?') {
                    if !self.eat(':') {
                        return Err(Error);
                    }
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups - 1)
                };
                let inner = self.alternation(depth + 1)?;
                if !self.eat(')') {
                    return Err(Error);
                }
                Node::Group(index, Box::new(inner))
            }
            '[' => Node::Bytes(self.class(depth)?),
            '.' => {
                let mut s = set_with([b'\n']);
                negate(&mut s);
                Node::Bytes(s)
            }
            '^' => Node::Look(Look::Start),
            '$' => Node::Look(Look::End),
            '\\' => {
                let n = self.peek().ok_or(Error)?;
                self.i += 1;
                let look = match n {
                    'b' => Some(Look::Word),
                    'B' => Some(Look::NotWord),
                    '<' => Some(Look::WordStart),
                    '>' => Some(Look::WordEnd),
                    'A' => Some(Look::Start),
                    'z' => Some(Look::End),
                    _ => None,
                };
                match look {
                    Some(l) => Node::Look(l),
                    None => match self.escape(n)? {
                        Esc::Byte(b) => {
                            let mut s = set_with([b]);
                            if self.icase {
                                fold(&mut s);
                            }
                            Node::Bytes(s)
                        }
                        Esc::Set(s) => Node::Bytes(s),
                    },
                }
            }
            c => self.literal(c),
        })
    }

    /// What `\n` (the character after the backslash, already read) stands for outside `\b \B`.
    fn escape(&mut self, n: char) -> Result<Esc, Error> {
        Ok(match n {
            'n' => Esc::Byte(b'\n'),
            't' => Esc::Byte(b'\t'),
            'r' => Esc::Byte(b'\r'),
            'f' => Esc::Byte(0x0C),
            'v' => Esc::Byte(0x0B),
            'a' => Esc::Byte(0x07),
            'x' => {
                let hex: String = self
                    .cs
                    .get(self.i..self.i + 2)
                    .ok_or(Error)?
                    .iter()
                    .collect();
                let b = u8::from_str_radix(&hex, 16).map_err(|_| Error)?;
                self.i += 2;
                Esc::Byte(b)
            }
            'w' | 's' | 'd' | 'W' | 'S' | 'D' => {
                let mut s = named(&n.to_ascii_lowercase().to_string()).ok_or(Error)?;
                if n.is_ascii_uppercase() {
                    negate(&mut s);
                }
                Esc::Set(s)
            }
            // any other ASCII character but a letter or digit stands for itself (`\<` and `\>` are words'
            // edges outside a class and refused inside)
            c if c.is_ascii() && !c.is_ascii_alphanumeric() && c != '<' && c != '>' => {
                Esc::Byte(c as u8)
            }
            _ => return Err(Error),
        })
    }

    /// A bracket expression after its `[`.
    fn class(&mut self, depth: u32) -> Result<ByteSet, Error> {
        if depth > NEST_LIMIT {
            return Err(Error);
        }
        let negated = self.eat('^');
        let mut set = [0; 4];
        let mut first = true;
        loop {
            let c = self.peek().ok_or(Error)?;
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' {
                self.i += 1;
                if let Some(s) = self.ascii_class() {
                    union(&mut set, &s);
                } else {
                    let s = self.class(depth + 1)?;
                    union(&mut set, &s);
                }
                continue;
            }
            let lo = match self.class_item()? {
                Esc::Set(s) => {
                    union(&mut set, &s);
                    continue;
                }
                Esc::Byte(b) => b,
            };
            if self.peek() == Some('-') && self.cs.get(self.i + 1).is_some_and(|&c| c != ']') {
                self.i += 1;
                let Esc::Byte(hi) = self.class_item()? else {
                    return Err(Error);
                };
                if hi < lo {
                    return Err(Error);
                }
                for b in lo..=hi {
                    add(&mut set, b);
                }
            } else {
                add(&mut set, lo);
            }
        }
        if self.icase {
            fold(&mut set);
        }
        if negated {
            negate(&mut set);
        }
        Ok(set)
    }

    /// `:name:]` or `:^name:]` after a `[` inside a class, when the name is a class's.
    fn ascii_class(&mut self) -> Option<ByteSet> {
        let rest: String = self.cs.get(self.i..)?.iter().collect();
        let body = rest.strip_prefix(':')?;
        let end = body.find(":]")?;
        let (neg, name) = match body[..end].strip_prefix('^') {
            Some(n) => (true, n),
            None => (false, &body[..end]),
        };
        let mut s = named(name).filter(|_| name.len() > 1)?;
        if neg {
            negate(&mut s);
        }
        self.i += 1 + body[..end].chars().count() + 2;
        Some(s)
    }

    /// One member of a class: a byte (a literal or escaped one) or the set of an escape like `\w`.
    fn class_item(&mut self) -> Result<Esc, Error> {
        let c = self.peek().ok_or(Error)?;
        self.i += 1;
        if c == '\\' {
            let n = self.peek().ok_or(Error)?;
            self.i += 1;
            return self.escape(n);
        }
        if !c.is_ascii() {
            // the `regex` crate refuses a non-ASCII character in a byte class
            return Err(Error);
        }
        Ok(Esc::Byte(c as u8))
    }
}

enum Esc {
    Byte(u8),
    Set(ByteSet),
}

fn union(a: &mut ByteSet, b: &ByteSet) {
    for (x, y) in a.iter_mut().zip(b) {
        *x |= y;
    }
}

/// Thompson's construction, as `regex-automata`'s compiler builds it (the same unions in the same order).
struct Compiler {
    states: Vec<State>,
    /// One more than the highest group index compiled (a group repeated `{0}` is gone, as in `regex`).
    groups: usize,
}

impl Compiler {
    fn push(&mut self, s: State) -> Result<usize, Error> {
        if self.states.len() >= STATE_LIMIT {
            return Err(Error);
        }
        self.states.push(s);
        Ok(self.states.len() - 1)
    }

    fn empty(&mut self) -> Result<usize, Error> {
        self.push(State::Empty(usize::MAX))
    }

    fn union(&mut self, greedy: bool) -> Result<usize, Error> {
        self.push(if greedy {
            State::Union(Vec::new())
        } else {
            State::UnionRev(Vec::new())
        })
    }

    /// Points `from` at `to` (a union gains an alternative).
    fn patch(&mut self, from: usize, to: usize) {
        match &mut self.states[from] {
            State::Empty(n) | State::Bytes(_, n) | State::Look(_, n) | State::Save(_, n) => *n = to,
            State::Union(alts) | State::UnionRev(alts) => alts.push(to),
            State::Match => {}
        }
    }

    /// The start and end states of `n`.
    fn node(&mut self, n: &Node) -> Result<(usize, usize), Error> {
        match n {
            Node::Empty => {
                let e = self.empty()?;
                Ok((e, e))
            }
            Node::Bytes(s) => {
                let end = self.empty()?;
                let start = self.push(State::Bytes(*s, end))?;
                Ok((start, end))
            }
            Node::Look(l) => {
                let s = self.push(State::Look(*l, usize::MAX))?;
                Ok((s, s))
            }
            Node::Group(None, n) => self.node(n),
            Node::Group(Some(i), n) => {
                self.groups = self.groups.max(i + 1);
                let start = self.push(State::Save(2 * i, usize::MAX))?;
                let (s, e) = self.node(n)?;
                self.patch(start, s);
                let end = self.push(State::Save(2 * i + 1, usize::MAX))?;
                self.patch(e, end);
                Ok((start, end))
            }
            Node::Concat(ns) => self.concat(ns.iter().map(|n| (n, 1))),
            Node::Alt(ns) => {
                let u = self.union(true)?;
                let end = self.empty()?;
                for n in ns {
                    let (s, e) = self.node(n)?;
                    self.patch(u, s);
                    self.patch(e, end);
                }
                Ok((u, end))
            }
            Node::Rep {
                sub,
                min,
                max,
                greedy,
            } => self.repetition(sub, *min, *max, *greedy),
        }
    }

    /// Each node the given number of times, one after the other.
    fn concat<'a>(
        &mut self,
        parts: impl Iterator<Item = (&'a Node, u32)>,
    ) -> Result<(usize, usize), Error> {
        let mut ends: Option<(usize, usize)> = None;
        for (n, times) in parts {
            for _ in 0..times {
                let (s, e) = self.node(n)?;
                ends = Some(match ends {
                    None => (s, e),
                    Some((start, prev)) => {
                        self.patch(prev, s);
                        (start, e)
                    }
                });
            }
        }
        match ends {
            Some(x) => Ok(x),
            None => {
                let e = self.empty()?;
                Ok((e, e))
            }
        }
    }

    fn repetition(
        &mut self,
        sub: &Node,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    ) -> Result<(usize, usize), Error> {
        match (min, max) {
            (0, Some(1)) => {
                let u = self.union(greedy)?;
                let (s, e) = self.node(sub)?;
                let empty = self.empty()?;
                self.patch(u, s);
                self.patch(u, empty);
                self.patch(e, empty);
                Ok((u, empty))
            }
            (0, None) if sub.min_len().is_some_and(|l| l > 0) => {
                let u = self.union(greedy)?;
                let (s, e) = self.node(sub)?;
                self.patch(u, s);
                self.patch(e, u);
                Ok((u, u))
            }
            (0, None) => {
                // x* as (x+)? when x can match empty (regex issue 779)
                let (s, e) = self.node(sub)?;
                let plus = self.union(greedy)?;
                self.patch(e, plus);
                self.patch(plus, s);
                let question = self.union(greedy)?;
                let empty = self.empty()?;
                self.patch(question, s);
                self.patch(question, empty);
                self.patch(plus, empty);
                Ok((question, empty))
            }
            (1, None) => {
                let (s, e) = self.node(sub)?;
                let u = self.union(greedy)?;
                self.patch(e, u);
                self.patch(u, s);
                Ok((s, u))
            }
            (n, None) => {
                let (ps, pe) = self.concat(std::iter::once((sub, n - 1)))?;
                let (ls, le) = self.node(sub)?;
                let u = self.union(greedy)?;
                self.patch(pe, ls);
                self.patch(le, u);
                self.patch(u, ls);
                Ok((ps, u))
            }
            (min, Some(max)) if min == max => self.concat(std::iter::once((sub, min))),
            (min, Some(max)) => {
                let (ps, pe) = self.concat(std::iter::once((sub, min)))?;
                let empty = self.empty()?;
                let mut prev = pe;
                for _ in min..max {
                    let u = self.union(greedy)?;
                    let (s, e) = self.node(sub)?;
                    self.patch(prev, u);
                    self.patch(u, s);
                    self.patch(u, empty);
                    prev = e;
                }
                self.patch(prev, empty);
                Ok((ps, empty))
            }
        }
    }
}
