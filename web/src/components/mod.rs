//! The page's components, one per file. Only [`App`] holds state; the others take values and callbacks.

mod app;
mod editor;
mod example_picker;
mod problems;
mod syntax_tree;

pub use app::App;
pub use editor::{Editor, EditorProps};
pub use example_picker::{ExamplePicker, ExamplePickerProps};
pub use problems::{Problems, ProblemsProps};
pub use syntax_tree::{SyntaxTree, SyntaxTreeProps};
