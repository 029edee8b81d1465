//! The layers panel: one row per layer of the built image (the step that made it and its size), each
//! expandable to its tar entries: what it added, changed and deleted (with each entry's mode, as `ls -l`
//! shows it), whiteouts shown as the real entries.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::build::{human_size, BuildView, Change, LayerRow};

/// What [`Layers`] lists.
#[derive(Properties, PartialEq)]
pub struct LayersProps {
    /// The last build (its layers, base first).
    pub view: Option<Rc<BuildView>>,
    /// True when the layers are of the editor's text as it is now.
    pub current: bool,
}

/// The layers panel.
#[function_component(Layers)]
pub fn layers(props: &LayersProps) -> Html {
    // Which layers are expanded (by index); kept across rebuilds.
    let open = use_state(BTreeSet::<usize>::new);
    let layers: &[LayerRow] = props.view.as_ref().map_or(&[], |v| &v.layers);
    let rows = layers.iter().map(|layer| {
        let is_open = open.contains(&layer.index);
        let toggle = {
            let open = open.clone();
            let i = layer.index;
            Callback::from(move |_: MouseEvent| {
                let mut set = (*open).clone();
                if !set.remove(&i) {
                    set.insert(i);
                }
                open.set(set);
            })
        };
        let id = format!("layer-{}-entries", layer.index);
        html! {
            <li class="layer" data-index={layer.index.to_string()}>
                <button type="button" class="layer-head" aria-expanded={is_open.to_string()}
                        aria-controls={id.clone()} onclick={toggle}>
                    <span class="chev" aria-hidden="true">{ if is_open { "▾" } else { "▸" } }</span>
                    <span class="layer-index">{ layer.index + 1 }</span>
                    <span class="created-by">{ &layer.created_by }</span>
                    <span class="size">{ human_size(layer.size) }</span>
                    if layer.wasted > 0 {
                        <span class="wasted" title="bytes of this layer that a later layer deletes or overwrites: \
                                                   they are still downloaded">
                            { format!("{} wasted", human_size(layer.wasted)) }
                        </span>
                    }
                </button>
                if let Some(note) = &layer.note {
                    <p class="layer-note">{ format!("[strata] {note}") }</p>
                }
                if is_open && !layer.waste.is_empty() {
                    <ul class="waste" aria-label="Wasted bytes">
                        { for layer.waste.iter().map(|w| html! { <li>{ w }</li> }) }
                    </ul>
                }
                if is_open {
                    { entries(layer, &id) }
                }
            </li>
        }
    });
    html! {
        <section class="pane layers" aria-label="Layers">
            <h2>{ "Layers" }<span class="count" id="layer-count">{ layers.len() }</span></h2>
            if layers.is_empty() {
                <p class="none">{ "No image yet: the layers appear when a build succeeds." }</p>
            } else {
                <ol id="layers" class={classes!("layer-list", (!props.current).then_some("stale"))}>{ for rows }</ol>
                <p class="note">
                    { "Each RUN, COPY, ADD and WORKDIR adds a layer; the base image brings its own. A layer only \
                       ever adds: a deleted file is a whiteout entry (.wh.<name>) that hides it, and its bytes \
                       stay in the layer below." }
                </p>
            }
        </section>
    }
}

fn entries(layer: &LayerRow, id: &str) -> Html {
    let rows = layer.entries.iter().map(|e| {
        let change = e.change.as_str();
        // Whiteouts and opaque markers: the friendly word, and the real tar entry beside it.
        let (path, tar) = match e.change {
            Change::Deleted => (e.path.clone(), Some(e.tar_name.clone())),
            Change::Opaque => (
                format!("{}/", e.path.trim_end_matches('/')),
                Some(e.tar_name.clone()),
            ),
            Change::Added | Change::Changed if e.dir && e.path != "/" => {
                (format!("{}/", e.path), None)
            }
            Change::Added | Change::Changed => (e.path.clone(), None),
        };
        let size = if e.dir {
            String::new()
        } else {
            human_size(e.size)
        };
        html! {
            <li class={classes!("entry", format!("entry-{change}"))}>
                <span class={classes!("change", format!("change-{change}"))} title={e.change.explain()}>
                    { change }
                </span>
                <code class="mode" title="the entry's mode, as ls -l shows it">{ &e.mode }</code>
                <span class="path">{ path }</span>
                if let Some(tar) = tar {
                    <code class="tar-name" title="the entry in the layer tar">{ tar }</code>
                }
                <span class="size">{ size }</span>
            </li>
        }
    });
    html! {
        <div class="entries" id={id.to_string()}>
            if layer.entries.is_empty() {
                <p class="none">{ "This layer is empty: the step changed no file." }</p>
            } else {
                <ul>{ for rows }</ul>
                if layer.more > 0 {
                    <p class="note">{ format!("… and {} more entries", layer.more) }</p>
                }
            }
        </div>
    }
}
