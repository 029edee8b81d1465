//! The root component: the reducer, the typing debounce, and jumping to a problem.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use web_sys::{
    Element, FocusOptions, HtmlTextAreaElement, ScrollIntoViewOptions, ScrollLogicalPosition,
};
use yew::prelude::*;

use super::{Editor, ExamplePicker, Problems, SyntaxTree};
use crate::analysis::{line_count, ProblemRow};
use crate::examples::EXAMPLES;
use crate::state::{Action, State};

/// How long typing must pause before the text is parsed and linted again.
const DEBOUNCE_MS: u32 = 150;

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::new);
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    let on_edit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| {
            dispatcher.dispatch(Action::Edit(text));
            let later = dispatcher.clone();
            // Replacing the timeout drops (cancels) the one still pending.
            *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, move || {
                later.dispatch(Action::Analyze)
            }));
        })
    };
    let on_load = {
        let dispatcher = state.dispatcher();
        Callback::from(move |n: usize| dispatcher.dispatch(Action::LoadExample(n)))
    };
    let on_jump = {
        let textarea = textarea.clone();
        let gutter = gutter.clone();
        Callback::from(move |row: ProblemRow| jump(&textarea, &gutter, &row))
    };

    let analysis = &state.analysis;
    html! {
        <div class="page">
            <header class="top">
                <h1>{ "strata playground" }</h1>
                <p class="lead">
                    { "Type a Dockerfile. strata reads it the way BuildKit does and tells you what Docker would \
                       say about it, as you type." }
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
                        textarea={textarea}
                        gutter={gutter}
                        on_edit={on_edit}
                    />
                    <p class="summary" id="summary" aria-live="polite" data-analyzed={state.analyzed.to_string()}>
                        { analysis.summary.to_string() }
                        if !state.analyzed { <span class="pending">{ " · checking…" }</span> }
                    </p>
                </section>
                <Problems rows={analysis.problems.clone()} on_jump={on_jump} />
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
