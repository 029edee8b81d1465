//! The "BuildKit syntax tree" panel: the parser's tree in BuildKit's `Node.Dump` format.

use yew::prelude::*;

/// The dump to show.
#[derive(PartialEq)]
pub struct SyntaxTreeProps {
    /// The output of `Dockerfile::dump`.
    pub dump: String,
}

/// The syntax tree panel.
/// A plain function, not a component: the page's wasm holds no per-component machinery for it (about 2 KB
/// per component), and the panel has no state of its own to keep.
pub fn syntax_tree(props: &SyntaxTreeProps) -> Html {
    html! {
        <section key="syntax_tree" class="pane tree" aria-label="BuildKit syntax tree">
            <h2>{ "BuildKit syntax tree" }</h2>
            <p class="note">
                { "How BuildKit's parser splits each instruction into words, before any variable is expanded." }
            </p>
            <pre id="dump">{ &props.dump }</pre>
        </section>
    }
}
