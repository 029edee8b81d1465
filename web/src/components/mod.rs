//! The page's components, one per file. Only [`App`] holds the page's state; the
//! others take values and callbacks ([`Layers`] remembers only which rows are expanded). The panels with no
//! state or hooks of their own are plain functions from their props to `Html` ([`history()`], [`inspect()`],
//! [`syntax_tree()`], [`problems()`], [`build_log()`], [`run_panel()`], [`secrets_box()`]): a yew component costs about 700 B of the
//! playground's gzipped wasm.

mod app;
pub mod base_images;
mod build_log;
mod context_files;
mod editor;
mod example_picker;
mod filesystem;
mod history;
pub mod inline_code;
mod inspect;
mod layers;
mod lessons;
mod problems;
mod run_panel;
mod secrets_box;
mod share_button;
mod syntax_tree;

pub use app::App;
pub use base_images::{BaseImages, BaseImagesProps};
pub use build_log::{build_log, BuildLogProps};
pub use context_files::{ContextFiles, ContextFilesProps};
pub use editor::{Editor, EditorProps};
pub use example_picker::{ExamplePicker, ExamplePickerProps};
pub use filesystem::{Filesystem, FilesystemProps};
pub use history::{history, HistoryProps};
pub use inspect::{inspect, InspectProps};
pub use layers::{Layers, LayersProps};
pub use lessons::{Lessons, LessonsProps};
pub use problems::{problems, ProblemsProps};
pub use run_panel::{run_panel, RunPanelProps};
pub use secrets_box::{secrets_box, SecretsBoxProps};
pub use share_button::{ShareButton, ShareButtonProps};
pub use syntax_tree::{syntax_tree, SyntaxTreeProps};
