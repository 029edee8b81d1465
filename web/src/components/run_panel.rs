//! The run panel: a `docker run …` line, the process Docker would start and why (which CMD/ENTRYPOINT rule
//! applied), the output and exit code from the simulator, the container's writable layer (copy-up shown),
//! `docker diff`, and `docker commit`.

use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, Change};
use crate::session::RunView;

/// What [`run_panel`] shows and whom it tells.
#[derive(PartialEq)]
pub struct RunPanelProps {
    /// The run line.
    pub line: String,
    /// The last run.
    pub run: Option<Rc<RunView>>,
    /// True while a run is waiting for the worker.
    pub running: bool,
    /// True when there is a built image to run.
    pub built: bool,
    /// Called when the line is edited.
    pub on_line: Callback<String>,
    /// Called with the line to run it.
    pub on_run: Callback<String>,
    /// Called to commit the last container.
    pub on_commit: Callback<()>,
}

/// Shell-quotes one word for display (`'two words'`).
fn quote(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// The run panel.
/// A plain function, not a component: the page's wasm holds no per-component machinery for it (about 2 KB
/// per component), and the panel has no state of its own to keep.
pub fn run_panel(props: &RunPanelProps) -> Html {
    let oninput = {
        let on_line = props.on_line.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_line.emit(input.value());
        })
    };
    let onsubmit = {
        let on_run = props.on_run.clone();
        let line = props.line.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_run.emit(line.clone());
        })
    };
    let commit = {
        let on_commit = props.on_commit.clone();
        Callback::from(move |_: MouseEvent| on_commit.emit(()))
    };
    let result = props.run.as_ref().map(|r| {
        let argv = r.argv.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ");
        let layer = r.layer.iter().map(|e| {
            let what = match (e.change, e.below) {
                (Change::Changed, Some(l)) if !e.dir => format!("copied up from layer {}", l + 1),
                (Change::Changed, _) => "changed".to_string(),
                (Change::Deleted, Some(l)) => format!("deleted (whiteout over layer {})", l + 1),
                (c, _) => c.as_str().to_string(),
            };
            html! {
                <tr class={format!("change-{}", e.change.as_str())}>
                    <td class="mono">{ &e.tar_name }</td>
                    <td>{ what }</td>
                    <td class="mono num">{ if e.dir { String::new() } else { human_size(e.size) } }</td>
                </tr>
            }
        });
        html! {
            <div class="run-result" id="run-result" data-exit={r.exit_code.to_string()} data-line={r.line.clone()}>
                if !r.image.is_empty() { <p class="note">{ "image: " }{ &r.image }</p> }
                if !r.argv.is_empty() {
                    <p><b>{ "Docker starts: " }</b><code id="run-argv">{ argv }</code></p>
                    <p class="note">{ format!("rule: {} · workdir {} · {}", r.rule, r.workdir, r.user) }</p>
                }
                if !r.explanation.is_empty() {
                    <ul class="explain" id="run-explain">{ for r.explanation.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                }
                <pre id="run-output" class="log" tabindex="0">
                    if r.stdout.is_empty() && r.stderr.is_empty() && r.notes.is_empty() {
                        <span class="log-note">{ "(no output)" }</span>
                    }
                    { &r.stdout }
                    if !r.stderr.is_empty() { <span class="log-error">{ &r.stderr }</span> }
                    { for r.notes.iter().map(|n| html! { <span class="log-note">{ format!("[strata] {n}\n") }</span> }) }
                </pre>
                <p><b>{ "exit code: " }</b><span id="run-exit" class={classes!("exit", (r.exit_code != 0).then_some("exit-bad"))}>{ r.exit_code }</span>
                    { match r.exit_code { 0 => "", 125 => " (Docker refused: the error is with docker run itself)", 126 => " (the command cannot be executed: permission denied, e.g. no exec bit)", 127 => " (command not found)", 137 => " (killed: the simulator's limits stopped it)", _ => "" } }
                </p>
                if let Some(c) = &r.container {
                    <h3>{ format!("Container {c}: its writable layer") }</h3>
                    <p class="note">{ "What the process wrote lands in the container's own layer; a file it changed was first copied up from the image layer that had it. The image's layers are never modified." }</p>
                    if r.layer.is_empty() {
                        <p class="note">{ "Nothing written: the layer is empty." }</p>
                    } else {
                        <table id="container-layer"><tbody>{ for layer }</tbody></table>
                    }
                    <h3>{ format!("docker diff {c}") }</h3>
                    <pre id="run-diff" class="log">{ if r.diff.is_empty() { "(no changes)".to_string() } else { r.diff.join("\n") } }</pre>
                    <button type="button" id="commit" class="action" onclick={commit}>{ "docker commit: make it an image" }</button>
                }
            </div>
        }
    });
    html! {
        <section key="run_panel" class="pane run" aria-label="docker run">
            <h2>{ "docker run" }</h2>
            <form class="run-form" {onsubmit}>
                <label for="run-line" class="sr-only">{ "docker run line" }</label>
                <input id="run-line" class="mono" type="text" value={props.line.clone()} {oninput}
                       spellcheck="false" autocomplete="off" placeholder="docker run --rm playground" />
                <button type="submit" id="run" class="action" disabled={!props.built || props.running}>
                    { if props.running { "Running…" } else { "Run" } }
                </button>
            </form>
            <p class="note">
                { "The image you built is called by the name in this line (any name that is not a base image); \
                   busybox, alpine, ubuntu… run the base images. Try --entrypoint, -e K=V, -w /dir, -u 1000, \
                   and arguments after the image, which replace CMD." }
            </p>
            { for result }
        </section>
    }
}
