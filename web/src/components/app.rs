//! The root component: the reducer, the typing debounce, the worker client, and jumping to a problem.
//!
//! Builds, runs, file reads and exports are requests to the build worker ([`crate::worker::Client`]); its
//! answers come back as actions. The editor never waits for a build: a keystroke only updates the text,
//! the lint runs after a short pause, and the build request after that (a newer one replaces a build still
//! waiting for the worker).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, FocusOptions, HtmlElement, HtmlTextAreaElement, ScrollIntoViewOptions,
    ScrollLogicalPosition,
};
use yew::prelude::*;

use super::{
    build_log, history, inspect, problems, run_panel, secrets_box, syntax_tree, BaseImages,
    BuildLogProps, ContextFiles, Editor, ExamplePicker, Filesystem, HistoryProps, InspectProps,
    Layers, Lessons, ProblemsProps, RunPanelProps, SecretsBoxProps, ShareButton, SyntaxTreeProps,
};
use crate::analysis::{line_count, ProblemRow};
use crate::project::{ContextFile, Project};
use crate::session::{ExportFormat, Reply, Request};
use crate::share::{self, Shared};
use crate::state::{Action, Origin, State, Tab, DEBOUNCE_MS};
use crate::worker::{Answer, Client};

/// Turns a worker's answer into an action.
fn on_answer(dispatcher: &UseReducerDispatcher<State>, a: Answer) {
    match (a.request, a.reply) {
        (Request::Build { project, .. }, Reply::Built { view, ms }) => {
            dispatcher.dispatch(Action::Built {
                project: Rc::new(project),
                view: Rc::new(view),
                ms: ms.max(0.0) as u32,
            })
        }
        (Request::Commit { .. }, Reply::Built { view, .. }) => {
            dispatcher.dispatch(Action::Committed(Rc::new(view)))
        }
        (_, Reply::Ran(run)) => dispatcher.dispatch(Action::Ran(Rc::new(run))),
        (_, Reply::File(file)) => dispatcher.dispatch(Action::ShowFile(Rc::new(file))),
        (
            _,
            Reply::Exported {
                file_name,
                size,
                note,
            },
        ) => {
            let msg = match a.bytes.map(|b| download(&file_name, &b)) {
                Some(Ok(())) => format!(
                    "Saved {file_name} ({}): load it with `docker load -i {file_name}` or `podman load -i {file_name}`. {}",
                    crate::build::human_size(size),
                    note.unwrap_or_default()
                ),
                Some(Err(e)) => format!("The download failed: {e}"),
                None => "The worker sent no archive.".to_string(),
            };
            dispatcher.dispatch(Action::Notice(Some(msg)));
        }
        (Request::Build { project, .. }, Reply::Failed(msg)) => {
            // A build the worker could not finish still gets a failed view, so the log says why.
            let view = crate::build::BuildView {
                error: Some(crate::build::BuildErrorRow {
                    message: msg.clone(),
                    help: Some(
                        "The simulator's limits should have stopped it first: please report the Dockerfile."
                            .to_string(),
                    ),
                    at: None,
                }),
                ..Default::default()
            };
            dispatcher.dispatch(Action::Built {
                project: Rc::new(project),
                view: Rc::new(view),
                ms: crate::worker::WATCHDOG_MS,
            });
            dispatcher.dispatch(Action::Notice(Some(msg)));
        }
        (Request::LoadBase { .. }, Reply::Failed(msg)) => super::base_images::not_loaded(msg),
        (_, Reply::Failed(msg)) => dispatcher.dispatch(Action::Failed(msg)),
        (_, Reply::Bases(list)) => {
            super::base_images::loaded(list);
            dispatcher.dispatch(Action::Build);
        }
        (_, Reply::Built { .. }) => {}
    }
}

/// Offers `bytes` as a download called `name`.
fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let arr = js_sys::Uint8Array::from(bytes);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/x-tar");
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&arr), &opts)
            .map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "no anchor".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Let the browser start the download before the URL goes away.
    Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

fn build_request(project: Project, classic: bool, secrets: &str) -> Request {
    Request::Build {
        project,
        classic,
        now_ms: js_sys::Date::now(),
        // Filled by the client with the catalogue files the build needs.
        catalogue: Vec::new(),
        secrets: secrets.to_string(),
    }
}

/// Where autosave keeps the project in `localStorage`.
const AUTOSAVE_KEY: &str = "strata.project";

/// What a share link (and autosave) holds of `state`.
fn shared(state: &State) -> Shared {
    Shared {
        project: (*state.project).clone(),
        panels: vec![state.tab.name().to_string()],
        classic: state.classic,
        bases: super::base_images::used(&state.project.dockerfile),
    }
}

/// The page as it opens: a share link's state, else the autosaved one, else the first example.
fn initial() -> State {
    let window = web_sys::window();
    let hash = window
        .as_ref()
        .and_then(|w| w.location().hash().ok())
        .filter(|h| h.len() > 1);
    let saved = || {
        window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(AUTOSAVE_KEY).ok().flatten())
    };
    let from = |text: &str| share::decode(text).ok();
    let mut previous = None;
    let mut from_link = false;
    let mut link_bases = Vec::new();
    let (loaded, notice) = match hash {
        Some(h) => match share::decode(&h) {
            Ok(s) => {
                from_link = true;
                link_bases = s.bases.clone();
                // The link replaces what autosave kept: offer that back rather than lose it.
                previous = saved()
                    .as_deref()
                    .and_then(from)
                    .map(|kept| kept.project)
                    .filter(|kept| *kept != s.project);
                (Some(s), None)
            }
            Err(e) => (
                saved().as_deref().and_then(from),
                Some(format!(
                    "The link's state could not be read ({e}); your last session is shown instead."
                )),
            ),
        },
        None => (saved().as_deref().and_then(from), None),
    };
    let mut state = match loaded {
        Some(s) => {
            let tab = s
                .panels
                .first()
                .and_then(|p| Tab::from_name(p))
                .unwrap_or_default();
            // An unedited example or lesson is named as one; anything else is the user's own, and a lesson or
            // an example loaded over it keeps it for Restore.
            let known = (!from_link)
                .then(|| crate::state::origin_of(&s.project))
                .flatten();
            let origin = match known {
                Some(o) => o,
                None if from_link => Origin::Link(Rc::new(s.project.clone())),
                None => Origin::Saved,
            };
            State {
                edited: matches!(origin, Origin::Link(_) | Origin::Saved),
                origin,
                ..State::with_project(s.project, tab, s.classic)
            }
        }
        None => State::new(),
    };
    state.notice = notice.or_else(|| super::base_images::missing(link_bases));
    state.previous = previous.map(Rc::new);
    state
}

/// Writes `state`'s project to `localStorage` (quietly: private windows may refuse).
fn autosave(state: &State) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(AUTOSAVE_KEY, &share::encode(&shared(state)));
    }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let build_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let client: Rc<RefCell<Option<Client>>> = use_mut_ref(|| None);
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    // Asks the worker for something, starting it on first use.
    // Made once: the editor's callback below depends on them, and an unchanged callback lets the editor
    // skip re-rendering (a long text) when only the build panels change.
    let send = {
        let client = client.clone();
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            move |req: Request| {
                let mut c = client.borrow_mut();
                let c = c.get_or_insert_with(|| {
                    let d = dispatcher.clone();
                    Client::new(move |a| on_answer(&d, a))
                });
                c.send(req);
            }
        })
    };

    {
        // The one place a build starts: whenever the reducer wants one (the first build included), after
        // its delay. Replacing a timeout drops (cancels) the build still waiting.
        let send = send.clone();
        let dispatcher = state.dispatcher();
        let build_timer = build_timer.clone();
        let project = state.project.clone();
        let classic = state.classic;
        let secrets = state.secrets.clone();
        use_effect_with(state.build_wanted, move |wanted| {
            *build_timer.borrow_mut() = Some(Timeout::new(wanted.delay_ms, move || {
                dispatcher.dispatch(Action::Building);
                send(build_request((*project).clone(), classic, &secrets));
            }));
        });
    }

    {
        // Autosave whenever the project, the panel or the toggle changes.
        let deps = (state.project.clone(), state.tab, state.classic);
        let snapshot = (*state).clone();
        use_effect_with(deps, move |_| autosave(&snapshot));
    }

    let on_edit = {
        let dispatcher = state.dispatcher();
        use_callback((), move |text: String, ()| {
            dispatcher.dispatch(Action::Edit(text));
            let later = dispatcher.clone();
            // Replacing a timeout drops (cancels) the one still pending.
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                later.dispatch(Action::Analyze)
            }));
        })
    };
    let on_load = {
        let dispatcher = state.dispatcher();
        Callback::from(move |n: usize| dispatcher.dispatch(Action::LoadExample(n)))
    };
    let on_reload = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Reload))
    };
    let on_build = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Build))
    };
    let on_classic = {
        let dispatcher = state.dispatcher();
        Callback::from(move |classic: bool| dispatcher.dispatch(Action::SetClassic(classic)))
    };
    let on_files = {
        let dispatcher = state.dispatcher();
        Callback::from(move |files: Vec<ContextFile>| dispatcher.dispatch(Action::SetFiles(files)))
    };
    let on_lesson = {
        let dispatcher = state.dispatcher();
        Callback::from(move |n: usize| dispatcher.dispatch(Action::LoadLesson(n)))
    };
    let share_fragment = {
        let shared = shared(&state);
        Callback::from(move |()| share::encode(&shared))
    };
    let on_run_line = {
        let dispatcher = state.dispatcher();
        Callback::from(move |line: String| dispatcher.dispatch(Action::SetRunLine(line)))
    };
    let on_run = {
        let dispatcher = state.dispatcher();
        let send = send.clone();
        Callback::from(move |line: String| {
            dispatcher.dispatch(Action::Running);
            send(Request::Run {
                line,
                now_ms: js_sys::Date::now(),
                catalogue: Vec::new(),
            });
        })
    };
    let on_commit = {
        let send = send.clone();
        Callback::from(move |()| {
            send(Request::Commit {
                now_ms: js_sys::Date::now(),
            })
        })
    };
    let on_open_file = {
        let send = send.clone();
        Callback::from(move |path: String| send(Request::Read { path }))
    };
    let on_export = {
        let send = send.clone();
        let run_line = state.project.run_line.clone();
        Callback::from(move |format: ExportFormat| {
            send(Request::Export {
                format,
                run_line: run_line.clone(),
            })
        })
    };
    let on_secrets = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::SetSecrets(text)))
    };
    // The Dockerfile and its context as a tar for `docker build -`: made here, it needs no build.
    let on_context_tar = {
        let dispatcher = state.dispatcher();
        let project = state.project.clone();
        // The name the last build tagged (what the run line names, else `playground`).
        let tag = state
            .build
            .as_ref()
            .map_or("playground".to_string(), |b| b.tag.clone());
        Callback::from(move |_: MouseEvent| {
            let name =
                crate::takeout::context_tar_name(&strata_sim::backend::normalize_reference(&tag));
            let now = crate::build::timestamp(js_sys::Date::now());
            let msg = match crate::takeout::context_tar(&project, now).and_then(|b| download(&name, &b)) {
                Ok(()) => format!(
                    "Saved {name}: build it with Docker, `docker build -t {tag} - < {name}` (its Dockerfile is the editor's)."
                ),
                Err(e) => format!("The download failed: {e}"),
            };
            dispatcher.dispatch(Action::Notice(Some(msg)));
        })
    };
    let on_jump = {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        Callback::from(move |row: ProblemRow| jump(&textarea, &gutter, &row))
    };
    let restore = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Restore))
    };
    let dismiss = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::Notice(None)))
    };

    let send_callback = {
        let send = send.clone();
        Callback::from(move |r: Request| send(r))
    };
    let build = state.build.clone();
    let current = state.build_current();
    let built_ok = build.as_ref().is_some_and(|b| b.image_id.is_some());
    let analysis = &state.analysis;
    let tabs = Tab::ALL.into_iter().map(|t| {
        let selected = state.tab == t;
        let onclick = {
            let dispatcher = state.dispatcher();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::SetTab(t)))
        };
        // The ARIA tab pattern: only the open tab is in the Tab order; arrow keys move between tabs.
        html! {
            <button type="button" role="tab" id={format!("tab-{}", t.name())}
                    aria-selected={selected.to_string()} aria-controls="panel"
                    tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("tab", selected.then_some("selected"))} {onclick}>
                { t.label() }
            </button>
        }
    });
    let on_tab_key = {
        let dispatcher = state.dispatcher();
        let open = state.tab;
        Callback::from(move |e: KeyboardEvent| {
            let Some(next) = tab_after_key(open, &e.key()) else {
                return;
            };
            e.prevent_default();
            dispatcher.dispatch(Action::SetTab(next));
            // Focus follows the selection once the tab bar has re-rendered.
            Timeout::new(0, move || {
                let tab = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&format!("tab-{}", next.name())))
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok());
                if let Some(tab) = tab {
                    let _ = tab.focus();
                }
            })
            .forget();
        })
    };
    let export = |format: ExportFormat| {
        let on_export = on_export.clone();
        Callback::from(move |_: MouseEvent| on_export.emit(format))
    };
    let panel = match state.tab {
        Tab::Log => build_log(&BuildLogProps {
            view: build.clone(),
            current,
            ms: state.build_ms,
            building: state.building,
            classic: state.classic,
            on_classic,
            on_build,
            on_jump: on_jump.clone(),
        }),
        Tab::Layers => html! { <Layers view={build.clone()} current={current} /> },
        Tab::Files => html! {
            <Filesystem view={build.clone()} file={state.file.clone()} on_open={on_open_file} />
        },
        Tab::History => history(&HistoryProps {
            view: build.clone(),
        }),
        Tab::Inspect => inspect(&InspectProps {
            view: build.clone(),
        }),
        Tab::Run => run_panel(&RunPanelProps {
            line: state.project.run_line.clone(),
            run: state.run.clone(),
            running: state.running,
            built: built_ok,
            on_line: on_run_line,
            on_run,
            on_commit,
        }),
        Tab::Syntax => syntax_tree(&SyntaxTreeProps {
            dump: analysis.dump.clone(),
        }),
    };
    // Why the downloads are disabled, said next to them.
    let downloads_why = match (&build, state.building) {
        (_, true) => "Downloads wait for the build to finish.",
        (None, false) => "Downloads appear once the image is built.",
        (Some(b), false) if b.error.is_some() => {
            "Nothing to download: the build failed, so there is no image (see the Build log)."
        }
        (Some(_), false) => "Nothing to download yet.",
    };
    let status = match (&build, state.building) {
        (_, true) => "building…".to_string(),
        (None, false) => "not built yet".to_string(),
        (Some(b), false) if b.error.is_some() => "build failed".to_string(),
        (Some(b), false) => format!(
            "{} · {}",
            crate::analysis::plural(b.layers.len(), "layer"),
            b.image_id
                .as_deref()
                .map(|i| i
                    .trim_start_matches("sha256:")
                    .chars()
                    .take(12)
                    .collect::<String>())
                .unwrap_or_default()
        ),
    };

    html! {
        <div class="page">
            <header class="top">
                <h1>{ "strata playground" }</h1>
                <p class="lead">
                    { "Type a Dockerfile. strata reads it the way BuildKit does and tells you what Docker would \
                       say about it, then builds it in a simulator and shows the layers it makes, as you type." }
                </p>
                <ExamplePicker
                    origin={state.origin.clone()}
                    edited={state.edited}
                    on_example={on_load}
                    on_lesson={on_lesson.clone()}
                    on_reload={on_reload}
                />
                <ShareButton fragment={share_fragment} />
            </header>
            if state.first_visit && !state.edited {
                <p class="start-here" id="start-here">
                    { "Start here: the Dockerfile in the editor is built as you type, and the Layers tab shows \
                       the layers it makes. Open one to see its files, start it in the Run tab, or take lesson 1." }
                </p>
            }
            <Lessons selected={match state.origin { Origin::Lesson(n) => Some(n), _ => None }} on_load={on_lesson} />
            if state.previous.is_some() {
                <p class="notice" id="restore-notice" role="status">
                    { "The project you were working on was replaced; it is kept until you leave the page." }
                    <button type="button" id="restore" class="minor" onclick={restore}>{ "Restore it" }</button>
                </p>
            }
            if let Some(n) = &state.notice {
                <p class="notice" id="notice" role="status">
                    { n }
                    <button type="button" class="minor" onclick={dismiss}>{ "dismiss" }</button>
                </p>
            }
            <main class="workspace">
                <div class="left">
                    <section class="pane editor-pane" aria-label="Dockerfile editor">
                        <Editor
                            text={state.project.dockerfile.clone()}
                            lines={line_count(&state.project.dockerfile)}
                            marks={analysis.line_marks.clone()}
                            analysis={state.analysis.clone()}
                            textarea={textarea}
                            gutter={gutter}
                            on_edit={on_edit}
                        />
                        <p class="summary" id="summary" aria-live="polite" data-analyzed={state.analyzed.to_string()}>
                            { analysis.summary.to_string() }
                            if !state.analyzed { <span class="pending">{ " · checking…" }</span> }
                        </p>
                    </section>
                    { problems(&ProblemsProps { rows: analysis.problems.clone(), on_jump }) }
                    <section class="pane context-pane" aria-label="Build context">
                        <h2>{ "Build context" }<span class="count">{ state.project.files.len() }</span></h2>
                        <ContextFiles project={state.project.clone()} on_change={on_files} />
                        { secrets_box(&SecretsBoxProps { text: state.secrets.clone(), on_change: on_secrets }) }
                    </section>
                    <BaseImages send={send_callback} />
                </div>
                <div class="right">
                    <div class="image-bar">
                        <span id="image-status" class="image-status" data-building={state.building.to_string()}
                              data-current={current.to_string()}>
                            { "image: " }{ status }
                        </span>
                        <span class="downloads">
                            if !built_ok {
                                <span class="downloads-why" id="downloads-why">{ downloads_why }</span>
                            }
                            <button type="button" id="save-docker" class="action" disabled={!built_ok}
                                    title="docker save: a tar for docker load or podman load"
                                    onclick={export(ExportFormat::Docker)}>{ "Download docker save .tar" }</button>
                            <button type="button" id="save-oci" class="minor" disabled={!built_ok}
                                    title="an OCI image layout in a tar"
                                    onclick={export(ExportFormat::Oci)}>{ "OCI .tar" }</button>
                            <button type="button" id="save-context" class="minor"
                                    title="the Dockerfile and the build context's files with their modes, for docker build - < context.tar"
                                    onclick={on_context_tar}>{ "Download Dockerfile + context (.tar)" }</button>
                        </span>
                    </div>
                    if built_ok && build.as_ref().is_some_and(|b| b.stand_ins) {
                        <p class="takeout-note" id="takeout-note">{ crate::takeout::STAND_INS_NOTE }</p>
                    }
                    <div class="tabs" role="tablist" aria-label="What to look at" onkeydown={on_tab_key}>{ for tabs }</div>
                    <div id="panel" role="tabpanel" data-tab={state.tab.name()}
                         aria-labelledby={format!("tab-{}", state.tab.name())}>{ panel }</div>
                </div>
            </main>
        </div>
    }
}

/// Select `row`'s span in the editor, focus it, and scroll its line into view.
fn jump(textarea: &NodeRef, gutter: &NodeRef, row: &ProblemRow) {
    let Some(ta) = textarea.cast::<HtmlTextAreaElement>() else {
        return;
    };
    let focus = FocusOptions::new();
    focus.set_prevent_scroll(true);
    let _ = ta.focus_with_options(&focus);
    let _ = ta.set_selection_range(row.sel_start, row.sel_end);
    let line = gutter.cast::<Element>().and_then(|g| {
        g.children()
            .item(u32::try_from(row.line.saturating_sub(1)).unwrap_or(0))
    });
    if let Some(line) = line {
        let opts = ScrollIntoViewOptions::new();
        opts.set_block(ScrollLogicalPosition::Nearest);
        line.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

/// The tab a key pressed on the tab bar moves to (the ARIA tab pattern: arrows wrap, Home and End).
fn tab_after_key(open: Tab, key: &str) -> Option<Tab> {
    let all = Tab::ALL;
    let at = all.iter().position(|t| *t == open)?;
    match key {
        "ArrowRight" => Some(all[(at + 1) % all.len()]),
        "ArrowLeft" => Some(all[(at + all.len() - 1) % all.len()]),
        "Home" => Some(all[0]),
        "End" => Some(all[all.len() - 1]),
        _ => None,
    }
}
