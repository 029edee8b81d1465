//! The simulator's data files that the playground's wasm does not carry: the models of alpine, debian,
//! ubuntu, centos, fedora and python and the package catalogue (`crates/strata-sim/data/*.txt`, copied into the
//! site's `data/` by trunk; only busybox, the first example's base, is compiled in). The simulator asks for a
//! file the first time a build or a run reads it ([`strata_sim::data::set_loader`]); it is read here with a
//! synchronous request, which is allowed in the build worker, where builds run, and is one small file once
//! per page load (the service worker keeps it for offline use).

use wasm_bindgen::JsValue;

/// The global the worker's start script sets to the site's base URL (the worker itself runs from a `blob:`
/// URL, against which `data/NAME` would not resolve).
pub const SITE_GLOBAL: &str = "strataSite";

/// Makes the simulator read its missing data files from the site.
pub fn install() {
    strata_sim::data::set_loader(load);
}

/// The text of `data/NAME` from the site, if it can be read.
fn load(name: &str) -> Option<String> {
    let site = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(SITE_GLOBAL))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let xhr = web_sys::XmlHttpRequest::new().ok()?;
    xhr.open_with_async("GET", &format!("{site}data/{name}"), false)
        .ok()?;
    xhr.send().ok()?;
    if xhr.status().ok()? != 200 {
        return None;
    }
    xhr.response_text().ok().flatten()
}
