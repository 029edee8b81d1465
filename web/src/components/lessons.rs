//! The lessons panel: the guided examples, and for the one loaded, what to look at, step by step.

use yew::prelude::*;

use crate::lessons::lessons;

/// What [`lessons_panel`] shows and whom it tells.
#[derive(PartialEq)]
pub struct LessonsProps {
    /// The lesson loaded, while it is the one shown.
    pub selected: Option<usize>,
    /// Called with a lesson's index to load it.
    pub on_load: Callback<usize>,
}

/// The lessons panel.
/// A plain function, not a component: the page's wasm holds no per-component machinery for it (about 2 KB
/// per component), and the panel has no state of its own to keep.
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
    let current = props.selected.and_then(|i| lessons().get(i)).map(|l| {
        html! {
            <div class="lesson-body" id="lesson-body" data-lesson={l.id}>
                <p class="lesson-summary">{ l.summary }</p>
                <ol class="lesson-steps">
                    { for l.steps.iter().map(|s| html! { <li>{ *s }</li> }) }
                </ol>
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
