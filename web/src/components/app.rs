//! The root component: the reducer, the typing debounce, the build session, and jumping to a problem.
//!
//! The build runs on the main thread when typing pauses (after the lint), when an example is loaded and
//! when the Build button is pressed; moving it into a Web Worker is the next step.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use web_sys::{
    Element, FocusOptions, HtmlTextAreaElement, ScrollIntoViewOptions, ScrollLogicalPosition,
};
use yew::prelude::*;

use super::{BuildLog, Editor, ExamplePicker, History, Layers, Problems, SyntaxTree};
use crate::analysis::{line_count, ProblemRow};
use crate::build::Session;
use crate::examples::EXAMPLES;
use crate::state::{Action, State};

/// How long typing must pause before the text is parsed and linted again.
const DEBOUNCE_MS: u32 = 150;

/// How much longer typing must stay paused (after the lint) before the text is built. A build on the main
/// thread can take seconds the first time a base image or a package install is built (hashing the modelled
/// bytes), so it waits for a longer pause than the lint; any keystroke cancels it.
const BUILD_DELAY_MS: u32 = 350;

/// Builds `text` in `session` and hands the result to the reducer, with the time it took.
fn run_build(session: &RefCell<Session>, dispatcher: &UseReducerDispatcher<State>, text: String) {
    let start = js_sys::Date::now();
    let view = session.borrow_mut().build(&text, start);
    let ms = (js_sys::Date::now() - start).max(0.0) as u32;
    dispatcher.dispatch(Action::Built {
        text,
        view: Rc::new(view),
        ms,
    });
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::new);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let build_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    // One store of base images and one build cache for the page session, so rebuilds say CACHED.
    let session: Rc<RefCell<Session>> = use_mut_ref(Session::new);
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    {
        // The first build, of the example the page opens with, once the page has been drawn.
        let session = session.clone();
        let dispatcher = state.dispatcher();
        let text = state.text.clone();
        use_effect_with((), move |_| {
            let first = Timeout::new(0, move || run_build(&session, &dispatcher, text));
            move || drop(first)
        });
    }

    let on_edit = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        Callback::from(move |text: String| {
            dispatcher.dispatch(Action::Edit(text.clone()));
            let later = dispatcher.clone();
            let session = session.clone();
            // Replacing a timeout drops (cancels) the one still pending; a keystroke cancels a pending build.
            *build_timer.borrow_mut() = None;
            let build_timer = build_timer.clone();
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                later.dispatch(Action::Analyze);
                *build_timer.borrow_mut() = Some(Timeout::new(BUILD_DELAY_MS, move || {
                    run_build(&session, &later, text)
                }));
            }));
        })
    };
    let on_load = {
        let dispatcher = state.dispatcher();
        let session = session.clone();
        Callback::from(move |n: usize| {
            dispatcher.dispatch(Action::LoadExample(n));
            if let Some(ex) = EXAMPLES.get(n) {
                run_build(&session, &dispatcher, ex.text.to_string());
            }
        })
    };
    let on_build = {
        let dispatcher = state.dispatcher();
        let text = state.text.clone();
        Callback::from(move |()| run_build(&session, &dispatcher, text.clone()))
    };
    let on_jump = {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        Callback::from(move |row: ProblemRow| jump(&textarea, &gutter, &row))
    };
    let build = state.build.clone();

    let analysis = &state.analysis;
    html! {
        <div class="page">
            <header class="top">
                <h1>{ "strata playground" }</h1>
                <p class="lead">
                    { "Type a Dockerfile. strata reads it the way BuildKit does and tells you what Docker would \
                       say about it, then builds it in a simulator and shows the layers it makes, as you type." }
                </p>
                <ExamplePicker
                    examples={EXAMPLES}
                    selected={state.example}
                    edited={state.edited}
                    on_load={on_load}
                />
            </header>
            <main class="workspace">
                <section class="pane editor-pane" aria-label="Dockerfile editor">
                    <Editor
                        text={state.text.clone()}
                        lines={line_count(&state.text)}
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
                <Problems rows={analysis.problems.clone()} on_jump={on_jump.clone()} />
                <BuildLog view={build.clone()} current={state.build_current} ms={state.build_ms}
                          on_build={on_build} on_jump={on_jump} />
                <Layers view={build.clone()} current={state.build_current} />
                <History view={build} />
                <SyntaxTree dump={analysis.dump.clone()} />
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
