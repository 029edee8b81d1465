//! The page's panels, one per file. Only [`App`] holds the page's state; the others take values and
//! callbacks ([`Layers`] remembers only which rows are expanded). Panels with hooks are yew components; the
//! stateless ones are plain functions from their props to `Html` (each component costs the wasm about 2 KB
//! of per-component machinery, a function nothing).

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
pub use build_log::{build_log, BuildLogProps};
pub use context_files::{ContextFiles, ContextFilesProps};
pub use editor::{Editor, EditorProps};
pub use example_picker::{example_picker, ExamplePickerProps};
pub use filesystem::{Filesystem, FilesystemProps};
pub use history::{history, HistoryProps};
pub use inspect::{inspect, InspectProps};
pub use layers::{Layers, LayersProps};
pub use lessons::{lessons_panel, LessonsProps};
pub use problems::{problems, ProblemsProps};
pub use run_panel::{run_panel, RunPanelProps};
pub use syntax_tree::{syntax_tree, SyntaxTreeProps};
