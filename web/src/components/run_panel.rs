//! The run panel: a `docker run …` line, the process Docker would start and why (which CMD/ENTRYPOINT rule
//! applied), the output and exit code from the simulator, the container's mounts (volumes and host
//! directories, and `docker volume ls`), the container's writable layer (copy-up shown), `docker diff`, and
//! `docker commit` — the last three only while the container exists (not after `--rm`).

use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, Change};
use crate::session::{MountView, RunView};

/// What [`run_panel`] shows and whom it tells.
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

/// A volume's name as `docker volume ls` shows it, shortened when it is an anonymous one's 64 hex digits.
fn short_name(m: &MountView) -> String {
    if m.anonymous {
        format!("{}…", &m.name[..m.name.len().min(12)])
    } else {
        m.name.clone()
    }
}

/// The mounts of the container, each with what it holds after the run.
fn mounts_table(mounts: &[MountView]) -> Html {
    let rows = mounts.iter().map(|m| {
        html! {
            <tr class={format!("mount-{}", m.kind)} data-destination={m.destination.clone()}>
                <td class="mono">{ &m.destination }</td>
                <td>{ &m.kind }</td>
                <td class="mono" title={m.name.clone()}>{ short_name(m) }</td>
                <td>{ &m.mode }</td>
                <td>
                    { &m.note }
                    <br />
                    <span class="mono mount-files">
                        { if m.files.is_empty() { "(empty)".to_string() } else { m.files.join(" ") } }
                    </span>
                </td>
            </tr>
        }
    });
    html! {
        <table id="run-mounts">
            <thead><tr><th>{ "path" }</th><th>{ "type" }</th><th>{ "name / source" }</th><th>{ "mode" }</th><th>{ "what it holds" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// The run panel.
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
            <div class="run-result" id="run-result" data-exit={if r.not_simulated.is_some() { "not simulated".to_string() } else { r.exit_code.to_string() }} data-line={r.line.clone()}>
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
                    if r.timed_stdout.is_empty() {
                        { &r.stdout }
                    } else {
                        // Time passed in the run: each line with the simulated time it was printed at.
                        { for r.timed_stdout.iter().map(|(t, l)| html! { <><span class="log-time">{ format!("t={t:<6} ") }</span>{ format!("{l}\n") }</> }) }
                    }
                    if !r.stderr.is_empty() { <span class="log-error">{ &r.stderr }</span> }
                    { for r.notes.iter().map(|n| html! { <span class="log-note">{ format!("[strata] {n}\n") }</span> }) }
                </pre>
                if !r.timeline.is_empty() {
                    <ul id="run-timeline" class="explain timeline">{ for r.timeline.iter().map(|l| html! { <li class="mono">{ l.trim_start_matches("[strata] ") }</li> }) }</ul>
                }
                if let Some(ns) = &r.not_simulated {
                    <p><b>{ "outcome: " }</b><span id="run-exit" class="exit exit-bad not-simulated">{ "not simulated" }</span>
                        { format!(" — {}. The program exists; strata's simulator does not run it, so there is no exit code to show (Docker would run it).", ns.trim_start_matches("not simulated: ")) }
                    </p>
                } else {
                    <p><b>{ "exit code: " }</b><span id="run-exit" class={classes!("exit", (r.exit_code != 0).then_some("exit-bad"))}>{ r.exit_code }</span>
                        { match r.exit_code { 0 => "", 125 => " (Docker refused: the error is with docker run itself)", 126 => " (the command cannot be executed: permission denied, e.g. no exec bit)", 127 => " (command not found: no such program in the image)", 137 if r.timeline.iter().any(|l| l.contains("SIGKILL")) => " (killed by SIGKILL: docker stop's, 10 s after its SIGTERM)", 137 => " (killed: the simulator's limits stopped it)", _ => "" } }
                    </p>
                }
                if !r.mounts.is_empty() {
                    <h3>{ "Mounts: volumes and host directories" }</h3>
                    <p class="note">{ "A mount is not part of the container's layer: what the process wrote under it went to the volume (or host directory), so docker diff and docker commit do not see it." }</p>
                    { mounts_table(&r.mounts) }
                    <h3>{ "docker volume ls" }</h3>
                    <pre id="run-volumes" class="log">{
                        std::iter::once("DRIVER    VOLUME NAME".to_string())
                            .chain(r.volumes.iter().map(|v| format!("local     {v}")))
                            .collect::<Vec<_>>()
                            .join("\n")
                    }</pre>
                }
                if let Some(c) = &r.removed {
                    <p class="note" id="run-removed">{ format!("Container {c}{} was removed when it exited (--rm): there is no writable layer left to diff or commit{}.", r.name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default(), if r.mounts.iter().any(|m| m.anonymous) { ", and its anonymous volumes went with it" } else { "" }) }</p>
                }
                if let Some(c) = &r.container {
                    <h3>{ format!("Container {c}{}: its writable layer", r.name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()) }</h3>
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
                { "The image you build is named by this line (as docker build -t NAME would: after renaming it, press \
                   Build in the Build log tab); busybox, alpine, ubuntu, nginx, node… run the base images (a catalogue model is fetched first), and any other name is not found, as in Docker. \
                   Try --rm, -v NAME:/path, --entrypoint, -e K=V, --env-file FILE (from the context), -w /dir, \
                   -u 1000, and arguments after the image, which replace CMD; -p, -P, --network and -d are \
                   accepted but not modelled." }
            </p>
            { for result }
        </section>
    }
}
