//! The "Build secrets" box: `ID=VALUE` lines that `RUN --mount=type=secret,id=ID` reads, as `docker build
//! --secret id=ID,src=FILE` gives them. Kept for the page session only ([`crate::secrets`]).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// What [`secrets_box`] shows and whom it tells.
pub struct SecretsBoxProps {
    /// The box's text.
    pub text: std::rc::Rc<str>,
    /// Called with the new text on every edit.
    pub on_change: Callback<String>,
}

/// The box, folded until opened (or while it holds secrets).
pub fn secrets_box(props: &SecretsBoxProps) -> Html {
    let on_change = props.on_change.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        on_change.emit(area.value());
    });
    let count = crate::secrets::parse(&props.text).len();
    let problems = crate::secrets::problems(&props.text);
    html! {
        <details class="secrets" id="secrets-box" open={count > 0}>
            <summary>{ "Build secrets" }<span class="count">{ count }</span></summary>
            <p class="hint">
                { "One ID=VALUE per line, for RUN --mount=type=secret,id=ID (mounted at /run/secrets/ID for that \
                   step only, in no layer). Kept in this tab only: not in share links or autosave." }
            </p>
            <textarea id="secrets" class="secrets-text" rows="3" spellcheck="false" autocomplete="off"
                      placeholder="tok=value" value={props.text.to_string()} {oninput} />
            { for problems.into_iter().map(|p| html! { <p class="secrets-problem">{ p }</p> }) }
        </details>
    }
}
