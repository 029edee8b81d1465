//! The merged-filesystem panel: the image's files as a container sees them, each with the layer it comes
//! from and the layers whose copies it hides, and a viewer for one file.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, BuildView, MergedRow};
use crate::session::FileView;

/// What [`Filesystem`] shows.
#[derive(Properties, PartialEq)]
pub struct FilesystemProps {
    /// The last build (its merged filesystem).
    pub view: Option<Rc<BuildView>>,
    /// The file the viewer shows.
    pub file: Option<Rc<FileView>>,
    /// Called with a path to show in the viewer.
    pub on_open: Callback<String>,
}

/// Rows beyond this many under the open directories are counted, not drawn.
const MAX_ROWS: usize = 1500;

/// The merged-filesystem panel.
#[function_component(Filesystem)]
pub fn filesystem(props: &FilesystemProps) -> Html {
    // Which directories are open (paths); the root's children are always shown.
    let open = use_state(BTreeSet::<String>::new);
    let filter = use_state(String::new);
    let Some(view) = props.view.as_ref().filter(|v| v.image_id.is_some()) else {
        return html! {
            <section class="pane fs" aria-label="Filesystem">
                <h2>{ "Filesystem" }</h2>
                <p class="note">{ "Build the image to see its files." }</p>
            </section>
        };
    };
    let layer_label = |i: usize| {
        view.layers
            .get(i)
            .map(|l| format!("layer {} — {}", i + 1, l.created_by))
            .unwrap_or_else(|| format!("layer {}", i + 1))
    };
    let needle = filter.trim().to_string();
    let visible = |r: &MergedRow| -> bool {
        if !needle.is_empty() {
            return r.path.contains(needle.as_str());
        }
        // Shown when every ancestor directory is open.
        let mut p = r.path.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            if parent.is_empty() {
                return true;
            }
            if !open.contains(parent) {
                return false;
            }
            p = parent;
        }
        true
    };
    let shown: Vec<&MergedRow> = view.merged.iter().filter(|r| visible(r)).collect();
    let hidden = shown.len().saturating_sub(MAX_ROWS);
    let rows = shown.into_iter().take(MAX_ROWS).map(|r| {
        let name = r.path.rsplit('/').next().unwrap_or(&r.path).to_string();
        let indent = if needle.is_empty() { r.depth } else { 0 };
        let label = if needle.is_empty() { name } else { r.path.clone() };
        let is_open = open.contains(&r.path);
        let onclick = {
            let open = open.clone();
            let on_open = props.on_open.clone();
            let path = r.path.clone();
            let dir = r.dir;
            Callback::from(move |_: MouseEvent| {
                if dir {
                    let mut set = (*open).clone();
                    if !set.remove(&path) {
                        set.insert(path.clone());
                    }
                    open.set(set);
                }
                on_open.emit(path.clone());
            })
        };
        let from = layer_label(r.origin.layer);
        let shadows = if r.origin.shadows.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = r.origin.shadows.iter().map(|i| (i + 1).to_string()).collect();
            format!("over layer {}", list.join(", "))
        };
        let marker = if r.dir {
            if is_open || !needle.is_empty() {
                "▾ "
            } else {
                "▸ "
            }
        } else {
            "  "
        };
        html! {
            <tr class={classes!("fs-row", (!r.origin.shadows.is_empty()).then_some("shadowing"))}
                data-path={r.path.clone()} data-layer={(r.origin.layer + 1).to_string()}>
                <td class="mono fs-name" style={format!("padding-left: {}em", indent as f32 * 1.2 + 0.3)}>
                    <button type="button" class="fs-open" aria-expanded={r.dir.then(|| is_open.to_string())} {onclick}>
                        { marker }{ label }
                        if let Some(t) = &r.target { <span class="muted">{ format!(" -> {t}") }</span> }
                    </button>
                </td>
                <td class="mono">{ &r.mode }</td>
                <td class="mono num">{ if r.dir { String::new() } else { human_size(r.size) } }</td>
                <td class="fs-from" title={from.clone()}>{ format!("layer {}", r.origin.layer + 1) }</td>
                <td class="fs-shadow">{ shadows }</td>
            </tr>
        }
    });
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    let viewer = props.file.as_ref().map(|f| {
        let origin = f.origin.as_ref().map(|o| {
            let mut s = format!("from {}", layer_label(o.layer));
            if !o.shadows.is_empty() {
                let list: Vec<String> = o.shadows.iter().map(|i| (i + 1).to_string()).collect();
                s.push_str(&format!(
                    "; hides the copies in layer {} (their bytes still count in the image)",
                    list.join(", ")
                ));
            }
            s
        });
        html! {
            <div class="viewer" id="file-viewer" data-path={f.path.clone()}>
                <p class="viewer-head">
                    <span class="mono">{ &f.path }</span>
                    { format!(" · {} {} {} · {}", f.kind, f.mode, f.owner, human_size(f.size)) }
                </p>
                if let Some(o) = origin { <p class="note">{ o }</p> }
                if let Some(n) = &f.note { <p class="note">{ n }</p> }
                if let Some(t) = &f.text { <pre class="log file-text" tabindex="0">{ t }</pre> }
            </div>
        }
    });
    html! {
        <section class="pane fs" aria-label="Filesystem">
            <div class="pane-head">
                <h2>{ "Filesystem" }<span class="count">{ view.merged.len() }</span></h2>
                <input type="search" class="fs-filter" placeholder="filter paths" aria-label="Filter paths" {oninput} />
            </div>
            <p class="note">
                { "The image as a container sees it: every layer applied in order, whiteouts removing what is \
                   below. Each path says which layer it comes from; a path rewritten by a later layer hides the \
                   older copy, which still takes space in the image. Choose a file to read it." }
            </p>
            { for viewer }
            <div class="table-scroll" tabindex="0">
                <table id="merged">
                    <thead><tr><th>{ "PATH" }</th><th>{ "MODE" }</th><th>{ "SIZE" }</th><th>{ "FROM" }</th><th>{ "HIDES" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if hidden > 0 { <p class="note">{ format!("{hidden} more rows: filter to find them.") }</p> }
        </section>
    }
}
