//! The "BuildKit syntax tree" panel: the parser's tree in BuildKit's `Node.Dump` format.

use yew::prelude::*;

/// The dump to show.
pub struct SyntaxTreeProps {
    /// The output of `Dockerfile::dump`.
    pub dump: String,
}

/// The syntax tree panel.
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
