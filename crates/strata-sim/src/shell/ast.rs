//! The syntax tree of an `ash` script, as the parser builds it and the interpreter walks it.

use std::cell::RefCell;
use std::rc::Rc;

/// A word before expansion: its pieces in order.
pub type Word = Vec<WordPart>;

/// One piece of a word.
#[derive(Debug, Clone, PartialEq)]
pub enum WordPart {
    /// Unquoted text: subject to pathname expansion, not to field splitting.
    Lit(String),
    /// Text quoted by `'…'` or a backslash: taken as is.
    Quoted(String),
    /// The pieces of a `"…"` string.
    Double(Vec<WordPart>),
    /// `$name`, `${name…}`.
    Param(Box<Param>),
    /// `$(…)` or `` `…` ``: the commands to run.
    CmdSub(Rc<Vec<Command>>),
    /// `$((…))`: the expression text (itself expanded first).
    Arith(Vec<WordPart>),
    /// A leading `~` or `~user`.
    Tilde(String),
}

/// What a `${…}` does with its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOp {
    /// `$x`, `${x}`.
    Plain,
    /// `${#x}`.
    Length,
    /// `${x-w}` / `${x:-w}`.
    Default,
    /// `${x=w}` / `${x:=w}`.
    Assign,
    /// `${x?w}` / `${x:?w}`.
    Error,
    /// `${x+w}` / `${x:+w}`.
    Alternative,
    /// `${x#p}`.
    RemoveSmallestPrefix,
    /// `${x##p}`.
    RemoveLargestPrefix,
    /// `${x%p}`.
    RemoveSmallestSuffix,
    /// `${x%%p}`.
    RemoveLargestSuffix,
    /// `${x/p/r}` (ash's bash compatibility).
    ReplaceFirst,
    /// `${x//p/r}`.
    ReplaceAll,
    /// `${x:offset}` / `${x:offset:length}` (`arg` is the offset, `arg2` the length).
    Substring,
}

/// A parameter expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name: a variable, a digit string, or one of `@*#?$!-0`.
    pub name: String,
    /// The operation.
    pub op: ParamOp,
    /// Whether the `:` form was used (treat empty as unset).
    pub colon: bool,
    /// The word after the operator.
    pub arg: Word,
    /// The second word: the replacement of `${x/p/r}`, the length of `${x:o:l}` (empty when absent).
    pub arg2: Option<Word>,
}

/// A redirection operator.
#[derive(Debug, Clone, PartialEq)]
pub enum RedirOp {
    /// `<`.
    In,
    /// `>` and `>|`.
    Out,
    /// `>>`.
    Append,
    /// `<>`.
    ReadWrite,
    /// `>&`.
    DupOut,
    /// `<&`.
    DupIn,
    /// `&>` / `&>>`: stdout and stderr to the file (ash's bash compatibility); `true` appends.
    OutErr(bool),
    /// `<<` / `<<-`: the body, filled in once the parser has read it.
    HereDoc(Rc<RefCell<Word>>),
}

/// A redirection: `[fd]op target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Redir {
    /// The file descriptor redirected.
    pub fd: u32,
    /// The operator.
    pub op: RedirOp,
    /// The file name or descriptor (unused for here-documents).
    pub target: Word,
}

/// A command of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `a=b cmd args… redirs`.
    Simple {
        /// Assignments before the command name.
        assigns: Vec<(String, Word)>,
        /// The command name and arguments.
        words: Vec<Word>,
        /// Redirections.
        redirs: Vec<Redir>,
        /// Source line (for `$LINENO`-style messages).
        line: u32,
    },
    /// `[!] a | b | c`.
    Pipeline {
        /// Whether the status is negated.
        bang: bool,
        /// The commands.
        cmds: Vec<Command>,
    },
    /// `a && b`.
    And(Box<Command>, Box<Command>),
    /// `a || b`.
    Or(Box<Command>, Box<Command>),
    /// `a; b; c` (and `a & b`, run in order).
    List(Vec<Command>),
    /// `( … )`.
    Subshell(Box<Command>, Vec<Redir>),
    /// `{ …; }`.
    Group(Box<Command>, Vec<Redir>),
    /// `if … then … elif … else … fi`.
    If {
        /// Conditions and their bodies.
        branches: Vec<(Command, Command)>,
        /// The `else` body.
        otherwise: Option<Box<Command>>,
        /// Redirections after `fi`.
        redirs: Vec<Redir>,
    },
    /// `for name [in words]; do …; done`.
    For {
        /// Loop variable.
        var: String,
        /// The words (`None`: `"$@"`).
        words: Option<Vec<Word>>,
        /// Body.
        body: Box<Command>,
        /// Redirections after `done`.
        redirs: Vec<Redir>,
    },
    /// `while`/`until … do … done`.
    Loop {
        /// `until` instead of `while`.
        until: bool,
        /// Condition.
        cond: Box<Command>,
        /// Body.
        body: Box<Command>,
        /// Redirections after `done`.
        redirs: Vec<Redir>,
    },
    /// `case word in pat|pat) … ;; esac`.
    Case {
        /// The subject.
        word: Word,
        /// Patterns and bodies.
        arms: Vec<(Vec<Word>, Command)>,
        /// Redirections after `esac`.
        redirs: Vec<Redir>,
    },
    /// `name() body`.
    FuncDef {
        /// Function name.
        name: String,
        /// Body.
        body: Rc<Command>,
    },
}
