//! The dropdown that loads one of the tutorials' Dockerfiles into the editor.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::examples::Example;

/// What [`example_picker`] offers and whom it tells.
#[derive(PartialEq)]
pub struct ExamplePickerProps {
    /// The examples, in dropdown order.
    pub examples: &'static [Example],
    /// Index of the example loaded last.
    pub selected: usize,
    /// True once the loaded example was edited.
    pub edited: bool,
    /// Called with the index of the example to load.
    pub on_load: Callback<usize>,
}

/// A labelled `<select>` of examples.
/// A plain function, not a component: the page's wasm holds no per-component machinery for it (about 2 KB
/// per component), and the panel has no state of its own to keep.
pub fn example_picker(props: &ExamplePickerProps) -> Html {
    let onchange = {
        let on_load = props.on_load.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = select.value().parse::<usize>() {
                on_load.emit(n);
            }
        })
    };
    let reload = {
        let on_load = props.on_load.clone();
        let selected = props.selected;
        Callback::from(move |_: MouseEvent| on_load.emit(selected))
    };
    let options = props.examples.iter().enumerate().map(|(i, ex)| {
        html! { <option value={i.to_string()} selected={i == props.selected}>{ ex.file }</option> }
    });
    html! {
        <div class="picker">
            <label for="example">{ "Example from the tutorials" }</label>
            <select id="example" {onchange}>{ for options }</select>
            if props.edited {
                <span class="edited">{ "edited" }</span>
                <button type="button" class="reload" onclick={reload}>{ "Reload the example" }</button>
            }
        </div>
    }
}
