//! The lessons panel: the guided examples, and for the one loaded, what to look at, step by step.

use yew::prelude::*;

use super::inline_code::with_code;
use crate::lessons::lessons;

/// What [`Lessons`] shows and whom it tells.
#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The lesson loaded, while it is the one shown.
    pub selected: Option<usize>,
    /// Called with a lesson's index to load it.
    pub on_load: Callback<usize>,
}

/// The lessons panel.
#[function_component(Lessons)]
pub fn lessons_panel(props: &LessonsProps) -> Html {
    let buttons = lessons().iter().enumerate().map(|(i, l)| {
        let on_load = props.on_load.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_load.emit(i));
        let selected = props.selected == Some(i);
        html! {
            <button type="button" class={classes!("lesson", selected.then_some("selected"))}
                    id={format!("lesson-{}", l.id)} aria-pressed={selected.to_string()} title={l.summary} {onclick}>
                { format!("{}. {}", i + 1, l.title) }
            </button>
        }
    });
    // On a phone the steps would push the panels screens down: they start folded there.
    let wide = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_none_or(|w| w >= 700.0);
    let current = props.selected.and_then(|i| lessons().get(i)).map(|l| {
        html! {
            <div class="lesson-body" id="lesson-body" data-lesson={l.id}>
                <p class="lesson-summary">{ with_code(l.summary) }</p>
                <details class="lesson-details" id="lesson-details" open={wide}>
                    <summary>{ format!("The {} steps", l.steps.len()) }</summary>
                    <ol class="lesson-steps">
                        { for l.steps.iter().map(|s| html! { <li>{ with_code(s) }</li> }) }
                    </ol>
                </details>
            </div>
        }
    });
    html! {
        <section class="pane lessons" aria-label="Lessons">
            <h2>{ "Lessons" }</h2>
            <div class="lesson-list">{ for buttons }</div>
            { for current }
        </section>
    }
}
