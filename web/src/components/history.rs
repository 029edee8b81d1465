//! The `docker history` panel: the image's history entries, newest first, as docker prints them.

use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, BuildView, HistoryRow};

/// What [`history`] shows.
pub struct HistoryProps {
    /// The last build (its history rows, newest first).
    pub view: Option<Rc<BuildView>>,
}

/// The history panel.
pub fn history(props: &HistoryProps) -> Html {
    let rows: &[HistoryRow] = props.view.as_ref().map_or(&[], |v| &v.history);
    if rows.is_empty() {
        return html! {};
    }
    let rows = rows.iter().map(|r| {
        html! {
            <tr>
                <td class="mono" data-label="IMAGE">{ &r.image }</td>
                <td class="mono created-by" data-label="CREATED BY">{ &r.created_by }</td>
                <td class="mono num" data-label="SIZE">{ human_size(r.size) }</td>
                <td class="mono" data-label="COMMENT">{ &r.comment }</td>
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
