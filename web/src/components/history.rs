//! The `docker history` panel: the image's history entries, newest first, as docker prints them.

use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, BuildView, HistoryRow};

/// What [`history`] shows.
#[derive(PartialEq)]
pub struct HistoryProps {
    /// The last build (its history rows, newest first).
    pub view: Option<Rc<BuildView>>,
}

/// The history panel.
/// A plain function, not a component: the page's wasm holds no per-component machinery for it (about 2 KB
/// per component), and the panel has no state of its own to keep.
pub fn history(props: &HistoryProps) -> Html {
    let rows: &[HistoryRow] = props.view.as_ref().map_or(&[], |v| &v.history);
    if rows.is_empty() {
        return html! {};
    }
    let rows = rows.iter().map(|r| {
        html! {
            <tr>
                <td class="mono">{ &r.image }</td>
                <td class="mono created-by">{ &r.created_by }</td>
                <td class="mono num">{ human_size(r.size) }</td>
                <td class="mono">{ &r.comment }</td>
            </tr>
        }
    });
    html! {
        <section key="history" class="pane history" aria-label="docker history">
            <h2>{ "docker history" }</h2>
            <div class="table-scroll" tabindex="0">
                <table id="history">
                    <thead><tr><th>{ "IMAGE" }</th><th>{ "CREATED BY" }</th><th>{ "SIZE" }</th><th>{ "COMMENT" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="note">
                { "One row per instruction, newest first. Rows with 0B made no layer (they only change the \
                   image config); <missing> means that step has no image of its own, as with any image built \
                   by BuildKit or pulled from a registry." }
            </p>
        </section>
    }
}
