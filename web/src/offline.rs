//! Working offline: the page registers `sw.js` (copied into the site by trunk), a service worker that keeps
//! every file of the site it has fetched and answers from them when the network is gone.

/// Registers the service worker when the page is served over http(s) (not from `file:`, not in tests).
pub fn register(window: &web_sys::Window) {
    let served = window
        .location()
        .protocol()
        .is_ok_and(|p| p == "http:" || p == "https:");
    let has_sw =
        js_sys::Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false);
    if served && has_sw {
        // A refusal (private mode, an old browser) only means no offline use.
        let _ = window.navigator().service_worker().register("./sw.js");
    }
}
