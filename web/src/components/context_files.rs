//! The build context editor: the context's files with their sizes and exec bits, buttons to add a file or
//! a `.dockerignore`, rename and delete, a text area for the selected text file, and an upload that adds
//! files by name and unpacks `.tar` / `.tar.gz` / `.tgz` / `.tar.zst` archives (keeping their exec bits).
//!
//! It holds only what is being looked at (the selected path, the rename field, the last message); the files
//! themselves come in as a prop and every change goes out through `on_change` as the whole new list.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::context_edit::{
    is_archive_name, is_text, rename, size_text, unique_name, unpack_archive, upsert,
};
use crate::project::{ContextFile, Project};

/// What [`ContextFiles`] shows and whom it tells.
#[derive(Properties, PartialEq)]
pub struct ContextFilesProps {
    /// The project whose context's files (sorted by path) this shows.
    pub project: Rc<Project>,
    /// Called with the whole new list after every change.
    pub on_change: Callback<Vec<ContextFile>>,
}

/// The starter `.dockerignore`: what usually should not reach the builder.
const DOCKERIGNORE: &str = "\
# Paths the builder never sees (one pattern a line, `!` to keep one back in).
.git
*.log
__pycache__
node_modules
";

/// The files panel.
#[function_component(ContextFiles)]
pub fn context_files(props: &ContextFilesProps) -> Html {
    let selected = use_state(|| None::<String>);
    let rename_to = use_state(String::new);
    let message = use_state(|| None::<String>);
    // The newest list, for an upload that finishes after the props changed.
    let latest = use_mut_ref(|| props.project.clone());
    *latest.borrow_mut() = props.project.clone();

    // Keep the selection on a file that exists; pick the first one when there is none.
    let current: Option<&ContextFile> = selected
        .as_ref()
        .and_then(|p| props.project.files.iter().find(|f| &f.path == p))
        .or_else(|| props.project.files.first());
    let current_path = current.map(|f| f.path.clone());
    {
        let rename_to = rename_to.clone();
        use_effect_with(current_path.clone(), move |p| {
            rename_to.set(p.clone().unwrap_or_default());
        });
    }

    let select = {
        let selected = selected.clone();
        let message = message.clone();
        Callback::from(move |path: String| {
            selected.set(Some(path));
            message.set(None);
        })
    };

    let new_file = {
        let files = props.project.clone();
        let on_change = props.on_change.clone();
        let select = select.clone();
        Callback::from(move |_: MouseEvent| {
            let path = unique_name(&files.files, "new-file", ".txt");
            on_change.emit(upsert(&files.files, vec![ContextFile::text(&path, "")]));
            select.emit(path);
        })
    };

    let has_ignore = props
        .project
        .files
        .iter()
        .any(|f| f.path == ".dockerignore");
    let add_ignore = {
        let files = props.project.clone();
        let on_change = props.on_change.clone();
        let select = select.clone();
        Callback::from(move |_: MouseEvent| {
            if !files.files.iter().any(|f| f.path == ".dockerignore") {
                on_change.emit(upsert(
                    &files.files,
                    vec![ContextFile::text(".dockerignore", DOCKERIGNORE)],
                ));
            }
            select.emit(".dockerignore".to_string());
        })
    };

    let rows = props.project.files.iter().map(|f| {
        let is_selected = current_path.as_deref() == Some(f.path.as_str());
        let on_select = {
            let select = select.clone();
            let path = f.path.clone();
            Callback::from(move |_: MouseEvent| select.emit(path.clone()))
        };
        let on_exec = {
            let files = props.project.clone();
            let on_change = props.on_change.clone();
            let path = f.path.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let mut next = files.files.to_vec();
                if let Some(g) = next.iter_mut().find(|g| g.path == path) {
                    g.executable = input.checked();
                }
                on_change.emit(next);
            })
        };
        let on_delete = {
            let files = props.project.clone();
            let on_change = props.on_change.clone();
            let message = message.clone();
            let path = f.path.clone();
            Callback::from(move |_: MouseEvent| {
                let next: Vec<ContextFile> =
                    files.files.iter().filter(|g| g.path != path).cloned().collect();
                on_change.emit(next);
                message.set(Some(format!("Deleted {path}.")));
            })
        };
        html! {
            <li class={classes!("ctx-row", is_selected.then_some("selected"))} key={f.path.clone()} data-path={f.path.clone()}>
                <button type="button" class="ctx-name" aria-pressed={is_selected.to_string()}
                    onclick={on_select}>
                    <span class="ctx-path">{ &f.path }</span>
                    <span class="ctx-size">{ size_text(f.data.len()) }</span>
                </button>
                <label class="ctx-exec" title="The exec bit: mode 0755 instead of 0644">
                    <input type="checkbox" checked={f.executable} onchange={on_exec}
                        aria-label={format!("Executable (+x): {}", f.path)} />
                    { "+x" }
                </label>
                <button type="button" class="ctx-delete" onclick={on_delete}
                    aria-label={format!("Delete {}", f.path)} title="Delete">{ "✕" }</button>
            </li>
        }
    });

    let editor = match current {
        None => html! {
            <p class="ctx-empty">{ "The build context is empty: COPY and ADD have nothing to copy. \
                Add a file or upload some." }</p>
        },
        Some(f) => {
            let on_rename_input = {
                let rename_to = rename_to.clone();
                Callback::from(move |e: InputEvent| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    rename_to.set(input.value());
                })
            };
            let do_rename = {
                let files = props.project.clone();
                let on_change = props.on_change.clone();
                let rename_to = rename_to.clone();
                let selected = selected.clone();
                let message = message.clone();
                let from = f.path.clone();
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    match rename(&files.files, &from, &rename_to) {
                        Ok(next) => {
                            let to =
                                crate::project_tree::normalize_path(&rename_to).unwrap_or_default();
                            on_change.emit(next);
                            message.set(Some(format!("Renamed {from} to {to}.")));
                            selected.set(Some(to));
                        }
                        Err(e) => message.set(Some(e)),
                    }
                })
            };
            let body = if is_text(&f.data) {
                let on_text = {
                    let files = props.project.clone();
                    let on_change = props.on_change.clone();
                    let path = f.path.clone();
                    Callback::from(move |e: InputEvent| {
                        let area: HtmlTextAreaElement = e.target_unchecked_into();
                        let mut next = files.files.to_vec();
                        if let Some(g) = next.iter_mut().find(|g| g.path == path) {
                            g.data = area.value().into_bytes();
                        }
                        on_change.emit(next);
                    })
                };
                let text = String::from_utf8_lossy(&f.data).into_owned();
                html! {
                    <>
                        <label class="ctx-label" for="ctx-text">{ format!("Contents of {}", f.path) }</label>
                        <textarea id="ctx-text" class="ctx-text" spellcheck="false" rows="10"
                            value={text} oninput={on_text} />
                    </>
                }
            } else {
                html! {
                    <p class="ctx-binary">{ format!("binary, {} bytes", f.data.len()) }</p>
                }
            };
            html! {
                <div class="ctx-editor">
                    <form class="ctx-rename" onsubmit={do_rename}>
                        <label for="ctx-rename">{ "Path" }</label>
                        <input id="ctx-rename" type="text" spellcheck="false" autocomplete="off"
                            value={(*rename_to).clone()} oninput={on_rename_input} />
                        <button type="submit">{ "Rename" }</button>
                    </form>
                    { body }
                </div>
            }
        }
    };

    let on_upload = {
        let latest = latest.clone();
        let on_change = props.on_change.clone();
        let message = message.clone();
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else {
                return;
            };
            let list = gloo::file::FileList::from(list);
            // Let the same file be chosen again later.
            input.set_value("");
            if list.is_empty() {
                return;
            }
            message.set(Some(format!("Reading {} file(s)…", list.len())));
            let latest = latest.clone();
            let on_change = on_change.clone();
            let message = message.clone();
            let selected = selected.clone();
            yew::platform::spawn_local(async move {
                let (added, notes) = read_uploads(&list).await;
                let first = added.first().map(|f| f.path.clone());
                if !added.is_empty() {
                    let base: Rc<Project> = latest.borrow().clone();
                    on_change.emit(upsert(&base.files, added));
                }
                if first.is_some() {
                    selected.set(first);
                }
                message.set(Some(notes.join(" ")));
            });
        })
    };

    html! {
        <section class="ctx" aria-label="Build context files">
            <div class="ctx-actions">
                <button type="button" onclick={new_file}>{ "New file" }</button>
                if !has_ignore {
                    <button type="button" onclick={add_ignore}>{ "Add .dockerignore" }</button>
                }
                <label class="ctx-upload">
                    { "Upload files or a tar" }
                    <input type="file" multiple=true onchange={on_upload} />
                </label>
            </div>
            <ul class="ctx-list">{ for rows }</ul>
            { editor }
            <p class="ctx-message" role="status" aria-live="polite">
                { (*message).clone().unwrap_or_default() }
            </p>
        </section>
    }
}

/// Reads every uploaded file: archives are unpacked, anything else is added under its name. Returns the
/// files to add and one sentence per upload saying what happened.
async fn read_uploads(list: &gloo::file::FileList) -> (Vec<ContextFile>, Vec<String>) {
    let mut added = Vec::new();
    let mut notes = Vec::new();
    for file in list.iter() {
        let name = file.name();
        let bytes = match gloo::file::futures::read_as_bytes(file).await {
            Ok(b) => b,
            Err(e) => {
                notes.push(format!("Could not read {name}: {e}."));
                continue;
            }
        };
        if is_archive_name(&name) {
            match unpack_archive(&bytes) {
                Ok(u) => {
                    let n = u.files.len();
                    let mut note = format!("Unpacked {n} file(s) from {name}.");
                    if !u.skipped.is_empty() {
                        note.push_str(&format!(
                            " Left out (a context here holds only files): {}.",
                            u.skipped.join(", ")
                        ));
                    }
                    notes.push(note);
                    added.extend(u.files);
                }
                Err(e) => notes.push(format!("{name}: {e}.")),
            }
        } else {
            let path = crate::project_tree::normalize_path(&name).unwrap_or(name.clone());
            notes.push(format!("Added {path} ({}).", size_text(bytes.len())));
            added.push(ContextFile {
                path,
                data: bytes,
                executable: false,
            });
        }
    }
    (added, notes)
}
