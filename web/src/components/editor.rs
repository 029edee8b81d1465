//! The Dockerfile editor: a `<textarea>` beside a gutter of line numbers with problem markers.
//!
//! The textarea is as tall as its text (it never scrolls vertically itself), so the gutter and the text
//! scroll together inside one container (`.editor-scroll`) and need no scroll syncing.

use std::collections::BTreeMap;

use strata_dockerfile::Severity;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::analysis::LineMark;

/// The editor is never shorter than this many lines.
const MIN_ROWS: usize = 14;

/// What [`Editor`] shows and whom it tells about edits.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The Dockerfile text.
    pub text: String,
    /// How many lines `text` has.
    pub lines: usize,
    /// The marker of each 1-based line with a problem.
    pub marks: BTreeMap<usize, LineMark>,
    /// Set to the `<textarea>`.
    pub textarea: NodeRef,
    /// Set to the gutter; its children are the lines, in order.
    pub gutter: NodeRef,
    /// Called with the new text on every edit.
    pub on_edit: Callback<String>,
}

/// The editor with its gutter.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(ta.value());
        })
    };
    let gutter_lines = (1..=props.lines).map(|n| {
        let Some(mark) = props.marks.get(&n) else {
            return html! { <div class="ln">{ n }</div> };
        };
        let class = match mark.severity {
            Severity::Error => "ln mark-error",
            Severity::Warning => "ln mark-warning",
            Severity::Info => "ln mark-info",
        };
        html! { <div class={class} title={mark.tooltip.clone()}>{ n }</div> }
    });
    html! {
        <div class="editor-scroll">
            <div class="editor">
                <div class="gutter" ref={props.gutter.clone()} aria-hidden="true">
                    { for gutter_lines }
                </div>
                <textarea
                    id="editor"
                    class="code"
                    ref={props.textarea.clone()}
                    value={props.text.clone()}
                    rows={(props.lines + 1).max(MIN_ROWS).to_string()}
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-label="Dockerfile"
                    {oninput}
                />
            </div>
        </div>
    }
}
