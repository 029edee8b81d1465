//! The Dockerfile editor: a gutter of line numbers with problem markers, and a `<textarea>` over a
//! highlighting layer.
//!
//! The layer is a `<pre aria-hidden>` in the same grid cell as the textarea, behind it, with the same font,
//! line height, padding and `white-space: pre`; it renders the same text as coloured spans
//! ([`crate::highlight`]) with a wavy underline under each problem. The textarea's text is transparent
//! and its caret and selection are visible, so what the user sees is the layer, exactly under the text
//! being edited. The textarea is as tall as its text (it never scrolls vertically itself), so the gutter
//! and the text scroll together inside `.editor-scroll`; sideways the textarea scrolls on its own and the
//! layer copies its scroll position on every scroll and after every render.
//!
//! The textarea covers the layer, so the layer's `title`s never show: moving the mouse over the text
//! looks up the underlined span under the pointer (`document.elementsFromPoint` sees through the
//! textarea) and shows its note in a tooltip. For the keyboard, the line under the editor names the
//! caret's position and the problems on its line.

use std::rc::Rc;

use strata_dockerfile::Severity;
use wasm_bindgen::JsCast;
use web_sys::{CharacterData, Element, HtmlTextAreaElement, Node};
use yew::prelude::*;

use crate::analysis::{line_col_utf16, Analysis, LineMark};
use crate::highlight::{segments, tokens, underlines, Segment, Underline};

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
    pub marks: std::collections::BTreeMap<usize, LineMark>,
    /// The last analysis, whose problems are underlined (it may describe a slightly older text).
    pub analysis: Rc<Analysis>,
    /// Set to the `<textarea>`.
    pub textarea: NodeRef,
    /// Set to the gutter; its children are the lines, in order.
    pub gutter: NodeRef,
    /// Called with the new text on every edit.
    pub on_edit: Callback<String>,
}

/// The note under the pointer and where to show it (viewport pixels).
#[derive(Debug, Clone, PartialEq)]
struct Tip {
    note: String,
    severity: String,
    left: f64,
    top: f64,
}

/// What the layer draws for one text: its runs and the problems placed on it.
#[derive(PartialEq)]
struct Layer {
    segments: Vec<Segment>,
    underlines: Vec<Underline>,
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "diag-error",
        Severity::Warning => "diag-warning",
        Severity::Info => "diag-info",
    }
}

/// The layer's content: plain text, or one `<span>` per highlighted or underlined run.
fn render_segment(text: &str, seg: &Segment, underlines: &[Underline]) -> Html {
    let piece = text.get(seg.start..seg.end).unwrap_or_default();
    let Some(severity) = seg.severity else {
        return match seg.kind {
            Some(kind) => html! { <span class={kind.class()}>{ piece }</span> },
            None => html! { <>{ piece }</> },
        };
    };
    let title = seg
        .problems
        .iter()
        .map(|&i| underlines[i].note.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let class = classes!(
        seg.kind.map(|k| k.class()),
        "diag",
        severity_class(severity),
        (seg.start == seg.end).then_some("diag-point")
    );
    let line = seg
        .problems
        .first()
        .map(|&i| underlines[i].line.to_string());
    html! {
        <span {class} {title} data-line={line} data-severity={severity.as_str()}>{ piece }</span>
    }
}

/// Copy the textarea's scroll position to the layer.
fn sync_scroll(textarea: &NodeRef, layer: &NodeRef) {
    if let (Some(ta), Some(pre)) = (textarea.cast::<Element>(), layer.cast::<Element>()) {
        pre.set_scroll_left(ta.scroll_left());
        pre.set_scroll_top(ta.scroll_top());
    }
}

/// The viewport x of the caret at UTF-16 offset `units` of the text, measured in the layer (whose text
/// nodes hold the same text; the DOM counts in UTF-16 too): the right edge of the character before it, or
/// `None` at the start of a line (where the caret is at the left edge).
///
/// Only a glyph is measured, never a line break, whose box browsers place at either end of a line.
fn caret_x(layer: &Element, units: u32) -> Option<f64> {
    let mut at = units.checked_sub(1)?;
    let mut node = layer.first_child();
    while let Some(n) = node {
        if n.node_type() == Node::TEXT_NODE {
            let data = n.dyn_ref::<CharacterData>()?;
            let len = data.length();
            if at < len {
                let mut from = at;
                let c = data.substring_data(at, 1).ok()?;
                if c == "\n" {
                    return None;
                }
                // The second half of a surrogate pair: measure the whole character.
                if c == "\u{FFFD}" && at > 0 {
                    from = at - 1;
                }
                let range = layer.owner_document()?.create_range().ok()?;
                range.set_start(&n, from).ok()?;
                range.set_end(&n, at + 1).ok()?;
                return Some(range.get_bounding_client_rect().right());
            }
            at -= len;
        }
        // Depth first: into the span, else to the next sibling, else up and on.
        node = n.first_child().or_else(|| {
            let mut up = Some(n);
            while let Some(u) = up {
                if let Some(next) = u.next_sibling() {
                    return Some(next);
                }
                up = u.parent_node().filter(|p| !p.is_same_node(Some(layer)));
            }
            None
        });
    }
    None
}

/// Scroll the textarea sideways when the caret at `units` is out of sight (as after a jump from the
/// problems list to a line while a long line is scrolled); typing keeps the caret in sight by itself.
fn reveal(ta: &HtmlTextAreaElement, layer: &NodeRef, units: u32) {
    let Some(pre) = layer.cast::<Element>() else {
        return;
    };
    // Where the caret is in the text's own coordinates (0 at the start of a line).
    let x = caret_x(&pre, units).map_or(0.0, |x| {
        x - pre.get_bounding_client_rect().left() + f64::from(pre.scroll_left())
    });
    let (from, width) = (f64::from(ta.scroll_left()), f64::from(ta.client_width()));
    if x < from || x > from + width {
        ta.set_scroll_left((x - width / 3.0).max(0.0) as i32);
    }
}

/// The underlined span of the layer under viewport point (`x`, `y`), if any.
fn problem_at(x: i32, y: i32) -> Option<Tip> {
    let doc = web_sys::window()?.document()?;
    let hits = doc.elements_from_point(x as f32, y as f32);
    let el = hits
        .iter()
        .filter_map(|h| h.dyn_into::<Element>().ok())
        .find(|e| e.matches("pre.code-layer .diag").unwrap_or(false))?;
    let rect = el.get_bounding_client_rect();
    Some(Tip {
        note: el.get_attribute("title")?,
        severity: el.get_attribute("data-severity").unwrap_or_default(),
        left: rect.left(),
        top: rect.bottom() + 4.0,
    })
}

/// The editor with its gutter, highlighting layer, tooltip and caret line.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let layer_ref = use_node_ref();
    let tip = use_state_eq(|| None::<Tip>);
    // The caret's UTF-16 offset, read from the textarea on every caret move.
    let caret = use_state_eq(|| 0u32);
    let layer = use_memo(
        (props.text.clone(), props.analysis.clone()),
        |(text, analysis)| {
            let underlines = underlines(analysis, text);
            Layer {
                segments: segments(text, &tokens(text), &underlines),
                underlines,
            }
        },
    );
    {
        // Re-align after every render: an edit can scroll the textarea before the layer has the new text.
        let (textarea, layer_ref) = (props.textarea.clone(), layer_ref.clone());
        use_effect(move || sync_scroll(&textarea, &layer_ref));
    }

    // Every caret move (typing, clicks, arrow keys, a jump from the problems list) fires `selectionchange`
    // at the textarea: remember the caret, and bring it into view sideways if it is out of sight.
    let onselectionchange = {
        let caret = caret.clone();
        let (textarea, layer_ref) = (props.textarea.clone(), layer_ref.clone());
        Callback::from(move |_: Event| {
            let Some(ta) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let end = ta.selection_end().ok().flatten().unwrap_or(0);
            caret.set(ta.selection_start().ok().flatten().unwrap_or(0));
            reveal(&ta, &layer_ref, end);
        })
    };
    let oninput = {
        let on_edit = props.on_edit.clone();
        let tip = tip.clone();
        Callback::from(move |e: InputEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            on_edit.emit(ta.value());
            tip.set(None);
        })
    };
    let onscroll = {
        let (textarea, layer_ref) = (props.textarea.clone(), layer_ref.clone());
        let tip = tip.clone();
        Callback::from(move |_: Event| {
            sync_scroll(&textarea, &layer_ref);
            tip.set(None);
        })
    };
    let onmousemove = {
        let tip = tip.clone();
        Callback::from(move |e: MouseEvent| tip.set(problem_at(e.client_x(), e.client_y())))
    };
    let onmouseleave = {
        let tip = tip.clone();
        Callback::from(move |_: MouseEvent| tip.set(None))
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
    let text = props.text.as_str();
    let spans = layer
        .segments
        .iter()
        .map(|s| render_segment(text, s, &layer.underlines));
    let (caret_line, caret_col) = line_col_utf16(text, *caret);
    let here: Vec<&Underline> = layer
        .underlines
        .iter()
        .filter(|u| u.line == caret_line)
        .collect();
    html! {
        <>
        <div class="editor-scroll">
            <div class="editor">
                <div class="gutter" ref={props.gutter.clone()} aria-hidden="true">
                    { for gutter_lines }
                </div>
                <div class="code-stack">
                    <pre class="code code-layer" ref={layer_ref} aria-hidden="true">
                        { for spans }
                        // A last line that is empty still needs a line box.
                        { "\n" }
                    </pre>
                    <textarea
                        id="editor"
                        class="code code-input"
                        ref={props.textarea.clone()}
                        value={props.text.clone()}
                        rows={(props.lines + 1).max(MIN_ROWS).to_string()}
                        wrap="off"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-label="Dockerfile"
                        aria-describedby="caret-problems"
                        {oninput}
                        {onselectionchange}
                        {onscroll}
                        {onmousemove}
                        {onmouseleave}
                    />
                </div>
            </div>
        </div>
        if let Some(t) = &*tip {
            <div class={classes!("diag-tip", format!("tip-{}", t.severity))} role="tooltip"
                 style={format!("--tip-left: {:.0}px; top: {:.0}px", t.left.max(8.0), t.top)}>
                { &t.note }
            </div>
        }
        <p class="caret-line">
            <span class="caret-pos">{ format!("Ln {caret_line}, Col {caret_col}") }</span>
            <span id="caret-problems" aria-live="polite">
                { for here.iter().map(|u| html! {
                    <span class={classes!("caret-problem", severity_class(u.severity))}>
                        <span class={classes!("badge", format!("badge-{}", u.severity.as_str()))}>
                            { u.severity.as_str() }
                        </span>
                        { " " }{ &u.note }
                    </span>
                }) }
            </span>
        </p>
        </>
    }
}
