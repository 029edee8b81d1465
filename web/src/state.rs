//! The page's one state and the actions that change it (a Yew reducer at the root).
//!
//! The editor's text changes on every keystroke; the [`Analysis`] is recomputed only on
//! [`Action::Analyze`], which the root component sends once typing pauses (or at once when an example is
//! loaded). So [`State::analysis`] may briefly describe an older text; [`State::analyzed`] says whether it
//! is current.

use std::rc::Rc;

use yew::Reducible;

use crate::analysis::{analyze, Analysis};
use crate::examples::EXAMPLES;

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The Dockerfile in the editor.
    pub text: String,
    /// Which entry of [`EXAMPLES`] was loaded last.
    pub example: usize,
    /// True once the text was edited after loading the example.
    pub edited: bool,
    /// What the parser and linter said about [`State::analyzed`]'s text.
    pub analysis: Rc<Analysis>,
    /// True when `analysis` describes `text` as it is now.
    pub analyzed: bool,
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The user changed the editor's text.
    Edit(String),
    /// Typing paused: analyze the current text.
    Analyze,
    /// Replace the text with entry `n` of [`EXAMPLES`] and analyze it.
    LoadExample(usize),
}

impl State {
    /// The page as it opens: the first example, analyzed.
    pub fn new() -> State {
        State::with_example(0)
    }

    fn with_example(n: usize) -> State {
        let n = n.min(EXAMPLES.len() - 1);
        let text = EXAMPLES[n].text.to_string();
        State {
            analysis: Rc::new(analyze(&text)),
            text,
            example: n,
            edited: false,
            analyzed: true,
        }
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> State {
        match action {
            Action::Edit(text) => State {
                edited: self.edited || text != self.text,
                analyzed: self.analyzed && text == self.text,
                text,
                ..self.clone()
            },
            Action::Analyze if self.analyzed => self.clone(),
            Action::Analyze => State {
                analysis: Rc::new(analyze(&self.text)),
                analyzed: true,
                ..self.clone()
            },
            Action::LoadExample(n) => State::with_example(n),
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}
