//! The dropdown that names what is loaded (an example, a lesson, a share link's project or the user's own)
//! and loads another example or lesson; once the project is edited, a button loads what was loaded again.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::examples::EXAMPLES;
use crate::lessons::lessons;
use crate::state::Origin;

/// What [`ExamplePicker`] shows and whom it tells.
#[derive(Properties, PartialEq)]
pub struct ExamplePickerProps {
    /// Where the project on the page came from.
    pub origin: Origin,
    /// True once the loaded project was edited.
    pub edited: bool,
    /// Called with the index of the example to load.
    pub on_example: Callback<usize>,
    /// Called with the index of the lesson to load.
    pub on_lesson: Callback<usize>,
    /// Called to load again what [`ExamplePickerProps::origin`] names.
    pub on_reload: Callback<()>,
}

/// The `<select>` value of `origin`.
fn value_of(origin: &Origin) -> String {
    match origin {
        Origin::Example(n) => format!("example-{n}"),
        Origin::Lesson(n) => format!("lesson-{n}"),
        Origin::Link(_) | Origin::Saved => "here".to_string(),
    }
}

/// A labelled `<select>` of lessons and examples, showing what is loaded.
#[function_component(ExamplePicker)]
pub fn example_picker(props: &ExamplePickerProps) -> Html {
    let select = use_node_ref();
    let value = value_of(&props.origin);
    {
        // The shown choice follows what is loaded (a lesson button, a share link, Restore), not only clicks.
        let select = select.clone();
        use_effect_with(value.clone(), move |v| {
            if let Some(s) = select.cast::<HtmlSelectElement>() {
                s.set_value(v);
            }
        });
    }
    let onchange = {
        let on_example = props.on_example.clone();
        let on_lesson = props.on_lesson.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let v = select.value();
            if let Some(n) = v.strip_prefix("example-").and_then(|n| n.parse().ok()) {
                on_example.emit(n);
            } else if let Some(n) = v.strip_prefix("lesson-").and_then(|n| n.parse().ok()) {
                on_lesson.emit(n);
            }
        })
    };
    let reload = {
        let on_reload = props.on_reload.clone();
        Callback::from(move |_: MouseEvent| on_reload.emit(()))
    };
    let here = match &props.origin {
        Origin::Link(_) | Origin::Saved => Some(html! {
            <option value="here" selected=true>{ props.origin.label() }</option>
        }),
        _ => None,
    };
    let lesson_options = lessons().iter().enumerate().map(|(i, _)| {
        let v = format!("lesson-{i}");
        let label = Origin::Lesson(i).label();
        html! { <option value={v.clone()} selected={v == value}>{ label }</option> }
    });
    let example_options = EXAMPLES.iter().enumerate().map(|(i, ex)| {
        let v = format!("example-{i}");
        let label = match ex.fails {
            Some(_) => format!("{} (fails on purpose)", ex.file),
            None => ex.file.to_string(),
        };
        html! { <option value={v.clone()} selected={v == value}>{ label }</option> }
    });
    let what = match &props.origin {
        Origin::Example(_) => "example",
        Origin::Lesson(_) => "lesson",
        Origin::Link(_) => "shared project",
        Origin::Saved => "project",
    };
    let fails = match &props.origin {
        Origin::Example(n) => EXAMPLES.get(*n).and_then(|e| e.fails),
        _ => None,
    };
    html! {
        <div class="picker">
            <label for="example">{ "Example or lesson" }</label>
            <select id="example" ref={select} {onchange} data-loaded={value.clone()}>
                { for here }
                <optgroup label="Lessons">{ for lesson_options }</optgroup>
                <optgroup label="Examples from the tutorials">{ for example_options }</optgroup>
            </select>
            if props.edited && props.origin.reloadable() {
                <span class="edited">{ "edited" }</span>
                <button type="button" class="reload" onclick={reload}>{ format!("Reload the {what}") }</button>
            }
            if let Some(why) = fails {
                <p class="fails-note" id="fails-note">
                    { "This example fails on purpose, as in the tutorial: " }{ why }{ "." }
                </p>
            }
        </div>
    }
}
