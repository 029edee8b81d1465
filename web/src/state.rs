//! The page's one state and the actions that change it (a Yew reducer at the root).
//!
//! The editor's text changes on every keystroke; the [`Analysis`] is recomputed only on
//! [`Action::Analyze`], which the root component sends once typing pauses (or at once when an example is
//! loaded). So [`State::analysis`] may briefly describe an older text; [`State::analyzed`] says whether it
//! is current.
//!
//! The build works the same way: the root component runs it after the same pause (or when the Build button
//! is pressed) and hands the result over in [`Action::Built`]; [`State::build_current`] says whether it was
//! built from the text as it is now.

use std::rc::Rc;

use yew::Reducible;

use crate::analysis::{analyze, Analysis};
use crate::build::BuildView;
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
    /// The last build's outcome, once there was one (kept while the text changes, until the next build).
    pub build: Option<Rc<BuildView>>,
    /// True when `build` was built from `text` as it is now.
    pub build_current: bool,
    /// How long the last build took, in milliseconds.
    pub build_ms: u32,
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
    /// A build of `text` finished after `ms` milliseconds.
    Built {
        /// The Dockerfile that was built.
        text: String,
        /// What the build panels show.
        view: Rc<BuildView>,
        /// How long it took.
        ms: u32,
    },
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
            build: None,
            build_current: false,
            build_ms: 0,
        }
    }

    /// The state after `action`.
    pub fn apply(&self, action: Action) -> State {
        match action {
            Action::Edit(text) => State {
                edited: self.edited || text != self.text,
                analyzed: self.analyzed && text == self.text,
                build_current: self.build_current && text == self.text,
                text,
                ..self.clone()
            },
            Action::Analyze if self.analyzed => self.clone(),
            Action::Analyze => State {
                analysis: Rc::new(analyze(&self.text)),
                analyzed: true,
                ..self.clone()
            },
            Action::LoadExample(n) => State {
                build: self.build.clone(),
                build_ms: self.build_ms,
                ..State::with_example(n)
            },
            Action::Built { text, view, ms } => State {
                build_current: text == self.text,
                build: Some(view),
                build_ms: ms,
                ..self.clone()
            },
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
