//! The Share link button: puts the project in the page's address and copies that address to the clipboard
//! (the Clipboard API); where the browser refuses, it shows the address in a field with the text selected, so
//! one keystroke copies it. The address can be long (a few hundred characters): it is shown in a field as
//! wide as the page allows, never as a line of text that would widen the page.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What [`ShareButton`] needs.
#[derive(Properties, PartialEq)]
pub struct ShareButtonProps {
    /// Encodes the project as it is now (the URL fragment); called when the button is pressed.
    pub fragment: Callback<(), String>,
}

/// What happened to the last link.
#[derive(Clone, PartialEq)]
enum Shared {
    /// Nothing shared yet.
    Not,
    /// The address is on the clipboard.
    Copied { url: String },
    /// The clipboard refused (or is missing): the address is shown, selected.
    Select { url: String },
}

/// The Share link button and what it says after a press.
#[function_component(ShareButton)]
pub fn share_button(props: &ShareButtonProps) -> Html {
    let shared = use_state(|| Shared::Not);
    let field = use_node_ref();
    let onclick = {
        let shared = shared.clone();
        let make = props.fragment.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = make.emit(());
            let Some(w) = web_sys::window() else { return };
            let _ = w.location().set_hash(&fragment);
            let url = w.location().href().unwrap_or_default();
            let clipboard = w.navigator().clipboard();
            let shared = shared.clone();
            // Some browsers have no Clipboard API on plain http or refuse it without permission.
            let has_api =
                js_sys::Reflect::has(&w.navigator(), &"clipboard".into()).unwrap_or(false);
            if !has_api {
                shared.set(Shared::Select { url });
                return;
            }
            let promise = clipboard.write_text(&url);
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(_) => shared.set(Shared::Copied { url }),
                    Err(_) => shared.set(Shared::Select { url }),
                }
            });
        })
    };
    // Select the shown address once it is in the page, when the clipboard was refused.
    {
        let field = field.clone();
        use_effect_with((*shared).clone(), move |shared| {
            if let (Shared::Select { .. }, Some(input)) = (shared, field.cast::<HtmlInputElement>())
            {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            input.select();
        }
    });
    let close = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| shared.set(Shared::Not))
    };
    let message = match &*shared {
        Shared::Not => None,
        Shared::Copied { url } => Some((
            "copied",
            format!(
                "Link copied to the clipboard ({} characters). It holds the whole project: the Dockerfile, the \
                 files, the run line and the open panel.",
                url.chars().count()
            ),
            url.clone(),
        )),
        Shared::Select { url } => Some((
            "select",
            "The browser did not let the page copy it: the link is selected below, press Ctrl+C (⌘C) to copy \
             it."
                .to_string(),
            url.clone(),
        )),
    };
    html! {
        <div class="share">
            <button type="button" id="share" class="minor" {onclick}
                    title="Put the Dockerfile, the files, the run line and the open panel in the page's address, and copy it">
                { "Share link" }
            </button>
            if let Some((kind, text, url)) = message {
                <div class="share-result" id="share-result" role="status" data-result={kind}>
                    <span>{ text }</span>
                    <input id="share-url" class="share-url" type="text" readonly=true value={url}
                           aria-label="The share link" ref={field} onfocus={select_all} />
                    <button type="button" class="minor" onclick={close}>{ "close" }</button>
                </div>
            }
        </div>
    }
}
