//! The build log panel: BuildKit's plain progress for the last build, a Build button, and on failure the
//! error, which is a button that selects its place in the editor.

use std::rc::Rc;

use yew::prelude::*;

use super::inline_code::with_code;
use crate::analysis::ProblemRow;
use crate::build::BuildView;

/// What [`build_log`] shows and whom it tells.
pub struct BuildLogProps {
    /// The last build, if there was one.
    pub view: Option<Rc<BuildView>>,
    /// True when the last build is of the editor's text as it is now.
    pub current: bool,
    /// How long the last build took, in milliseconds.
    pub ms: u32,
    /// True while a build is waiting for the worker.
    pub building: bool,
    /// True when the log shows the classic builder's output.
    pub classic: bool,
    /// Called when the classic-output toggle changes.
    pub on_classic: Callback<bool>,
    /// Called when the Build button is pressed.
    pub on_build: Callback<()>,
    /// Called with the error's place when the error is chosen.
    pub on_jump: Callback<ProblemRow>,
}

/// The build log panel.
pub fn build_log(props: &BuildLogProps) -> Html {
    let onclick = {
        let on_build = props.on_build.clone();
        Callback::from(move |_: MouseEvent| on_build.emit(()))
    };
    let on_toggle = {
        let on_classic = props.on_classic.clone();
        let classic = props.classic;
        Callback::from(move |_: Event| on_classic.emit(!classic))
    };
    let (state, status) = match &props.view {
        None => ("pending", "Not built yet".to_string()),
        Some(_) if props.building => ("building", "Building…".to_string()),
        Some(v) => {
            let outcome = match (&v.error, v.layers.len()) {
                (Some(_), _) => "Build failed".to_string(),
                (None, 1) => "Built: 1 layer".to_string(),
                (None, n) => format!("Built: {n} layers"),
            };
            let state = if v.error.is_some() { "failed" } else { "done" };
            let stale = if props.current {
                ""
            } else {
                " · the text changed since"
            };
            (
                state,
                format!(
                    "{outcome} in {} ms · {} ran, {} cached{stale}",
                    props.ms, v.ran, v.cached
                ),
            )
        }
    };
    let lines = props.view.iter().flat_map(|v| v.log.iter()).map(|l| {
        html! { <span class={classes!("log-line", format!("log-{}", l.kind.as_str()))}>{ &l.text }{ "\n" }</span> }
    });
    // An error belongs to the text it was found in: once the text changed, its line and column point at
    // something else, so it is shown only while the build is of the text as it is now.
    let error = props
        .view
        .as_ref()
        .filter(|_| props.current)
        .and_then(|v| v.error.clone())
        .map(|e| {
        let body = html! {
            <>
                <span class="badge badge-error">{ "error" }</span>
                <span class="message">{ with_code(&e.message) }</span>
                if let Some(help) = &e.help {
                    <span class="help">{ with_code(help) }</span>
                }
            </>
        };
        match e.problem() {
            Some(row) => {
                let on_jump = props.on_jump.clone();
                let line = row.line;
                let at = format!("{}:{}", row.line, row.col);
                let onclick = Callback::from(move |_: MouseEvent| on_jump.emit(row.clone()));
                html! {
                    <button type="button" id="build-error" class="problem sev-error" data-line={line.to_string()} {onclick}>
                        <span class="where">{ at }</span>
                        { body }
                    </button>
                }
            }
            None => html! { <p id="build-error" class="problem sev-error">{ body }</p> },
        }
    });
    let warnings = props.view.iter().flat_map(|v| v.warnings.iter()).map(|w| {
        let body = html! {
            <>
                <span class="badge badge-warning">{ "warning" }</span>
                <span class="message">{ &w.message }</span>
            </>
        };
        match w.problem_as(strata_dockerfile::Severity::Warning) {
            Some(row) => {
                let on_jump = props.on_jump.clone();
                let line = row.line;
                let at = format!("{}:{}", row.line, row.col);
                let onclick = Callback::from(move |_: MouseEvent| on_jump.emit(row.clone()));
                html! {
                    <button type="button" class="problem sev-warning build-warning" data-line={line.to_string()} {onclick}>
                        <span class="where">{ at }</span>
                        { body }
                    </button>
                }
            }
            None => html! { <p class="problem sev-warning build-warning">{ body }</p> },
        }
    });
    html! {
        <section key="build_log" class="pane build-log" aria-label="Build log">
            <div class="pane-head">
                <h2>{ "Build log" }</h2>
                <label class="toggle" title="docker build without BuildKit (DOCKER_BUILDKIT=0), as older tutorials show it">
                    <input type="checkbox" id="classic" checked={props.classic} onchange={on_toggle} />
                    { " classic builder output" }
                </label>
                <button type="button" id="build" class="action" {onclick}>{ "Build" }</button>
            </div>
            <p id="build-status" class={classes!("build-status", format!("status-{state}"))}
               data-state={state} data-current={props.current.to_string()} aria-live="polite">
                { status }
            </p>
            { for error }
            { for warnings }
            if props.view.as_ref().is_some_and(|v| !v.log.is_empty()) {
                <pre id="build-log" class="log" tabindex="0" aria-label="Build output">{ for lines }</pre>
            }
            <p class="note">
                if props.classic {
                    { "The classic builder's output (DOCKER_BUILDKIT=0 docker build): one Step n/m per instruction, \
                       \"Using cache\" for a reused step; its history entries use the #(nop) form. " }
                } else {
                    { "BuildKit's plain progress (docker build --progress=plain): CACHED for a reused step, and for a \
                       step that ran, why the cache missed. " }
                }
                { "RUN steps run in strata's simulator (busybox ash) inside a Web Worker; lines marked [strata] say \
                   what it modelled or could not run." }
            </p>
        </section>
    }
}
