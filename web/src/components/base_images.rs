//! The "Base images" section: upload a `docker save` tar or an OCI archive, or fetch an image from an OCI
//! layout URL or a registry's `/v2/NAME/manifests/REF` URL (one that sends CORS headers); the images loaded,
//! each with its size and where it came from, and a button to remove it.
//!
//! Each archive (a fetched image is made into one, see [`crate::bases::fetched_archive`]) is kept in the
//! Cache API (cache `strata-bases`, which the service worker leaves alone) and the list in `localStorage`,
//! so after a reload, online or not, the page loads them into the worker again. The worker's session holds
//! the images themselves; its answer ([`crate::session::Reply::Bases`]) comes back through the root
//! component to [`loaded`], which keeps the list and wakes this section.

use std::cell::RefCell;

use base64::Engine as _;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::bases::{
    fetched_archive, layout_reference, read_manifest, source_of, BaseInfo, Fetched, Source,
    MANIFEST_ACCEPT,
};
use crate::session::Request;
use strata_image::archive::REF_NAME;
use strata_image::image::{from_json, Index, Manifest};
use strata_image::Digest;

/// Where the list is kept in `localStorage`.
const INDEX_KEY: &str = "strata.bases";
/// The Cache API cache the archives are kept in.
const CACHE: &str = "strata-bases";

/// The worker's answer to a load: the images loaded now, or why it failed.
type Loaded = Result<Vec<BaseInfo>, String>;

thread_local! {
    /// The mounted section's setter for the list.
    static LISTENER: RefCell<Option<Callback<Loaded>>> = const { RefCell::new(None) };
    /// The mounted section's way to the worker.
    static SEND: RefCell<Option<Callback<Request>>> = const { RefCell::new(None) };
}

/// The list kept from the last session.
pub fn saved() -> Vec<BaseInfo> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(INDEX_KEY).ok().flatten())
        .and_then(|t| serde_json::from_slice(t.as_bytes()).ok())
        .unwrap_or_default()
}

/// Loads every kept archive into the worker (on page load, and into a worker that replaced a hung one);
/// `note` hears of one no longer kept.
fn restore(send: Callback<Request>, note: Callback<String>) {
    let mut todo: Vec<(String, String)> = Vec::new();
    for b in saved() {
        if !todo.iter().any(|(k, _)| *k == b.key) {
            todo.push((b.key, b.from));
        }
    }
    yew::platform::spawn_local(async move {
        for (key, from) in todo {
            match cache_get(&key).await {
                Some(bytes) => {
                    let name = from.rsplit(['/', ' ']).next().unwrap_or("").to_string();
                    send.emit(Request::LoadBase {
                        name,
                        from,
                        key,
                        data: base64::engine::general_purpose::STANDARD.encode(&bytes),
                    });
                }
                None => note.emit(format!(
                    "{from} is no longer kept in this browser: load it again."
                )),
            }
        }
    });
}

/// A new worker replaced a hung one (its session starts empty): load the kept images into it again.
pub fn after_restart() {
    if let Some(send) = SEND.with(|s| s.borrow().clone()) {
        restore(send, Callback::noop());
    }
}

/// The worker's list of loaded images: kept, and shown.
pub fn loaded(list: Vec<BaseInfo>) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(INDEX_KEY, &serde_json::to_string(&list).unwrap_or_default());
    }
    tell(Ok(list));
}

/// The worker could not load an archive: the section says why.
pub fn not_loaded(why: String) {
    tell(Err(why));
}

fn tell(what: Loaded) {
    LISTENER.with(|l| {
        if let Some(cb) = &*l.borrow() {
            cb.emit(what);
        }
    });
}

fn js_err(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

fn cache_url(key: &str) -> String {
    format!("./strata-bases/{}", js_sys::encode_uri_component(key))
}

async fn cache() -> Result<web_sys::Cache, String> {
    let caches = web_sys::window()
        .ok_or("no window")?
        .caches()
        .map_err(js_err)?;
    let c = JsFuture::from(caches.open(CACHE)).await.map_err(js_err)?;
    Ok(c.unchecked_into())
}

async fn cache_put(key: &str, bytes: &[u8]) -> Result<(), String> {
    let mut copy = bytes.to_vec();
    let resp = web_sys::Response::new_with_opt_u8_array(Some(&mut copy)).map_err(js_err)?;
    JsFuture::from(cache().await?.put_with_str(&cache_url(key), &resp))
        .await
        .map_err(js_err)?;
    Ok(())
}

async fn cache_get(key: &str) -> Option<Vec<u8>> {
    let found = JsFuture::from(cache().await.ok()?.match_with_str(&cache_url(key)))
        .await
        .ok()?;
    let resp: web_sys::Response = found.dyn_into().ok()?;
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

async fn cache_delete(key: &str) {
    if let Ok(c) = cache().await {
        let _ = JsFuture::from(c.delete_with_str(&cache_url(key))).await;
    }
}

/// GETs `url` (with `accept`, for a registry's manifests).
async fn get(url: &str, accept: Option<&str>) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    if let Some(a) = accept {
        let headers = js_sys::Object::new();
        js_sys::Reflect::set(&headers, &"Accept".into(), &a.into()).map_err(js_err)?;
        init.set_headers(&headers);
    }
    let resp = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| {
            format!(
                "{url}: {} (another site must send CORS headers, Access-Control-Allow-Origin, for the page to read it)",
                js_err(e)
            )
        })?;
    let resp: web_sys::Response = resp.unchecked_into();
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(js_err)?)
        .await
        .map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Fetches the image `url` names as an OCI archive, with the reference it gets.
async fn fetch_archive(url: &str) -> Result<(Vec<u8>, String), String> {
    // Where a manifest and a blob of a digest are: a registry's `manifests/` and `blobs/` (by `sha256:…`),
    // or a layout's `blobs/sha256/…` for both.
    let (first, manifests, blobs, reference, layout) = match source_of(url)? {
        Source::Registry {
            base,
            reference,
            name,
        } => {
            let first = get(
                &format!("{base}manifests/{reference}"),
                Some(MANIFEST_ACCEPT),
            )
            .await?;
            (
                first,
                format!("{base}manifests/"),
                format!("{base}blobs/"),
                name,
                false,
            )
        }
        Source::Layout(dir) => {
            let bytes = get(&format!("{dir}index.json"), None).await?;
            let index: Index = from_json("index.json", &bytes).map_err(|e| e.to_string())?;
            let entry = index.manifests.first().ok_or("index.json lists no image")?;
            let tag = entry
                .annotations
                .as_ref()
                .and_then(|a| a.get(REF_NAME))
                .map(String::as_str);
            let reference = layout_reference(&dir, tag);
            let blobs = format!("{dir}blobs/");
            let first = get(&format!("{blobs}sha256/{}", entry.digest.hex()), None).await?;
            (first, blobs.clone(), blobs, reference, true)
        }
    };
    let at = |prefix: &str, d: &Digest| {
        if layout {
            format!("{prefix}sha256/{}", d.hex())
        } else {
            format!("{prefix}{d}")
        }
    };
    let manifest_url = |d: &Digest| at(&manifests, d);
    let blob_url = |d: &Digest| at(&blobs, d);
    let manifest: Box<Manifest> = match read_manifest(&first)? {
        Fetched::Image(m) => m,
        Fetched::Next(d) => {
            match read_manifest(&get(&manifest_url(&d), Some(MANIFEST_ACCEPT)).await?)? {
                Fetched::Image(m) => m,
                Fetched::Next(_) => return Err("an index inside an index".to_string()),
            }
        }
    };
    let config = get(&blob_url(&manifest.config.digest), None).await?;
    let mut layers = Vec::new();
    for l in &manifest.layers {
        layers.push(get(&blob_url(&l.digest), None).await?);
    }
    Ok((
        fetched_archive(&manifest, config, layers, &reference)?,
        reference,
    ))
}

/// Keeps `bytes` under `key` and asks the worker to load them.
async fn keep_and_load(
    send: &Callback<Request>,
    name: String,
    from: String,
    key: String,
    bytes: Vec<u8>,
) -> String {
    let kept = match cache_put(&key, &bytes).await {
        Ok(()) => String::new(),
        Err(e) => format!(" (not kept for offline use: {e})"),
    };
    send.emit(Request::LoadBase {
        name: name.clone(),
        from,
        key,
        data: base64::engine::general_purpose::STANDARD.encode(&bytes),
    });
    format!("Loading {name}…{kept}")
}

/// What [`BaseImages`] needs.
#[derive(Properties, PartialEq)]
pub struct BaseImagesProps {
    /// Sends a request to the worker.
    pub send: Callback<Request>,
}

/// The section.
#[function_component(BaseImages)]
pub fn base_images(props: &BaseImagesProps) -> Html {
    let list = use_state(saved);
    let message = use_state(String::new);
    let url = use_node_ref();
    {
        // On mount: listen for the worker's list, and load what the last session kept.
        let list = list.clone();
        let message = message.clone();
        let send = props.send.clone();
        use_effect_with((), move |_| {
            let set = list.setter();
            let m = message.clone();
            LISTENER.with(|l| {
                *l.borrow_mut() = Some(Callback::from(move |r| match r {
                    Ok(v) => {
                        m.set(String::new());
                        set.set(v)
                    }
                    Err(why) => m.set(format!("Could not load it: {why}")),
                }))
            });
            SEND.with(|s| *s.borrow_mut() = Some(send.clone()));
            restore(send, Callback::from(move |m| message.set(m)));
            || {
                LISTENER.with(|l| *l.borrow_mut() = None);
                SEND.with(|s| *s.borrow_mut() = None);
            }
        });
    }
    let on_upload = {
        let send = props.send.clone();
        let message = message.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            input.set_value("");
            let file = gloo::file::File::from(file);
            let name = file.name();
            message.set(format!("Reading {name}…"));
            let send = send.clone();
            let message = message.clone();
            yew::platform::spawn_local(async move {
                match gloo::file::futures::read_as_bytes(&file).await {
                    Ok(bytes) => {
                        let key = format!("upload/{}/{name}", js_sys::Date::now() as u64);
                        let from = format!("upload: {name}");
                        message.set(keep_and_load(&send, name, from, key, bytes).await);
                    }
                    Err(e) => message.set(format!("Could not read {name}: {e}.")),
                }
            });
        })
    };
    let on_fetch = {
        let send = props.send.clone();
        let message = message.clone();
        let url = url.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = url.cast::<HtmlInputElement>() else {
                return;
            };
            let u = input.value().trim().to_string();
            if u.is_empty() {
                return;
            }
            message.set(format!("Fetching {u}…"));
            let send = send.clone();
            let message = message.clone();
            yew::platform::spawn_local(async move {
                match fetch_archive(&u).await {
                    Ok((bytes, reference)) => {
                        let from = format!("url: {u}");
                        let key = format!("url/{u}");
                        message.set(keep_and_load(&send, reference, from, key, bytes).await);
                    }
                    Err(e) => message.set(format!("Could not fetch the image: {e}")),
                }
            });
        })
    };
    let rows = list.iter().map(|b| {
        let on_remove = {
            let send = props.send.clone();
            let key = b.key.clone();
            Callback::from(move |_: MouseEvent| {
                let key = key.clone();
                send.emit(Request::UnloadBase { key: key.clone() });
                yew::platform::spawn_local(async move { cache_delete(&key).await });
            })
        };
        html! {
            <li class="base-row">
                <code class="base-ref">{ &b.reference }</code>
                <span class="base-size">{ crate::build::human_size(b.size) }</span>
                <span class="base-from">{ &b.from }</span>
                <button type="button" class="minor" onclick={on_remove}
                        aria-label={format!("Remove {}", b.reference)}>{ "remove" }</button>
            </li>
        }
    });
    html! {
        <section class="pane bases-pane" id="base-images" aria-label="Base images">
            <h2>{ "Base images" }<span class="count">{ list.len() }</span></h2>
            <p class="bases-help">{ "Your own images for FROM, with their real files, besides the built-in models: \
                a docker save or OCI archive, an OCI layout URL, or a registry's /v2/NAME/manifests/TAG URL (it must send CORS headers)." }</p>
            <div class="bases-actions">
                <label class="ctx-upload">{ "Upload image (.tar)" }
                    <input type="file" id="base-upload" accept=".tar,.gz,.tgz,.zst,application/x-tar" onchange={on_upload} />
                </label>
                <form class="bases-fetch" onsubmit={on_fetch}>
                    <input type="url" id="base-url" placeholder="https://host/v2/NAME/manifests/TAG" ref={url} />
                    <button type="submit" class="minor" id="base-fetch">{ "Fetch from URL" }</button>
                </form>
            </div>
            <ul class="bases-list" id="base-list">{ for rows }</ul>
            <p class="ctx-message" id="base-message" role="status" aria-live="polite">{ (*message).clone() }</p>
        </section>
    }
}

/// The loaded images `dockerfile` names (what a share link records).
pub fn used(dockerfile: &str) -> Vec<(String, String)> {
    saved()
        .into_iter()
        .filter(|b| {
            let short = b.reference.strip_suffix(":latest").unwrap_or(&b.reference);
            dockerfile.contains(short)
        })
        .map(|b| (b.reference, b.from))
        .collect()
}

/// What to tell the user when a shared project's images are not loaded here.
pub fn missing(link: Vec<(String, String)>) -> Option<String> {
    let here = saved();
    let notes: Vec<String> = link
        .iter()
        .filter(|(r, _)| !here.iter().any(|b| &b.reference == r))
        .map(|(r, from)| BaseInfo::missing_note(r, from))
        .collect();
    (!notes.is_empty()).then(|| notes.join(" "))
}
