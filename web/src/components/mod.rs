//! The page's components, one per file. Only [`App`] holds the page's state; the
//! others take values and callbacks ([`Layers`] remembers only which rows are expanded).

mod app;
mod build_log;
mod context_files;
mod editor;
mod example_picker;
mod filesystem;
mod history;
mod inspect;
mod layers;
mod lessons;
mod problems;
mod run_panel;
mod syntax_tree;

pub use app::App;
pub use build_log::{BuildLog, BuildLogProps};
pub use context_files::{ContextFiles, ContextFilesProps};
pub use editor::{Editor, EditorProps};
pub use example_picker::{ExamplePicker, ExamplePickerProps};
pub use filesystem::{Filesystem, FilesystemProps};
pub use history::{history, HistoryProps};
pub use inspect::{inspect, InspectProps};
pub use layers::{Layers, LayersProps};
pub use lessons::{Lessons, LessonsProps};
pub use problems::{problems, ProblemsProps};
pub use run_panel::{RunPanel, RunPanelProps};
pub use syntax_tree::{syntax_tree, SyntaxTreeProps};
