//! The build worker: the page's builds, runs and exports happen in a dedicated Web Worker, so typing never
//! waits for them.
//!
//! One wasm module serves both sides. The page ([`Client`]) starts a module worker from a small script that
//! imports the page's own wasm-bindgen glue and initialises the same `.wasm` (the browser has it cached);
//! the binary's `main` sees that it has no `window` and calls [`serve`] instead of mounting the app. The
//! two sides exchange [`Request`]s and [`Reply`]s as JSON strings, an export's bytes as a transferred
//! `Uint8Array` beside the reply. The worker handles one request at a time, in order.
//!
//! The page keeps at most one build waiting (a newer edit replaces it) and a watchdog: a request the worker
//! has not answered in [`WATCHDOG_MS`] is given up, the worker is terminated and a fresh one started (the
//! simulator's limits end every step long before that; the watchdog is for what they miss). Where no worker
//! can be started (no module workers, or the page was not built by trunk, as in the wasm unit tests), the
//! client answers on the main thread with its own [`Session`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, HtmlLinkElement, MessageEvent, Url, Worker,
    WorkerOptions, WorkerType,
};

use crate::session::{Reply, Request, Session};

/// How long a request may take before the worker is stopped and replaced.
pub const WATCHDOG_MS: u32 = 30_000;

/// What the worker posts once it can take requests.
const READY: &str = "ready";

/// Runs in the worker: answers every message with the session's reply.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let session = RefCell::new(Session::new());
    let post = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        let start = js_sys::Date::now();
        // from_slice, not from_str: every JSON read in the wasm goes through one reader type, so serde_json's
        // parser is compiled once, not once per reader.
        let (mut reply, bytes) = match serde_json::from_slice::<Request>(text.as_bytes()) {
            Ok(req) => session.borrow_mut().handle(req),
            Err(e) => (
                Reply::Failed(format!(
                    "the page sent a request the worker cannot read: {e}"
                )),
                None,
            ),
        };
        if let Reply::Built { ms, .. } = &mut reply {
            *ms = js_sys::Date::now() - start;
        }
        let _ = post_reply(&post, &reply, bytes);
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// `session`'s answer to `req`, a build's reply stamped with how long it took (the clock is here, not in
/// the session).
fn answer(session: &mut Session, req: Request) -> (Reply, Option<Vec<u8>>) {
    let start = js_sys::Date::now();
    let (mut reply, bytes) = session.handle(req);
    if let Reply::Built { ms, .. } = &mut reply {
        *ms = js_sys::Date::now() - start;
    }
    (reply, bytes)
}

fn post_reply(
    scope: &DedicatedWorkerGlobalScope,
    reply: &Reply,
    bytes: Option<Vec<u8>>,
) -> Result<(), JsValue> {
    let json = serde_json::to_string(reply).unwrap_or_else(|e| {
        serde_json::to_string(&Reply::Failed(format!(
            "the reply could not be written: {e}"
        )))
        .unwrap_or_default()
    });
    let msg = js_sys::Array::new();
    msg.push(&JsValue::from_str(&json));
    match bytes {
        Some(b) => {
            let arr = js_sys::Uint8Array::from(b.as_slice());
            msg.push(&arr);
            let transfer = js_sys::Array::of1(&arr.buffer());
            scope.post_message_with_transfer(&msg, &transfer)
        }
        None => scope.post_message(&msg),
    }
}

/// A reply with the request it answers (and an export's bytes).
#[derive(Debug, Clone)]
pub struct Answer {
    /// What was asked.
    pub request: Request,
    /// What came back.
    pub reply: Reply,
    /// An export's archive.
    pub bytes: Option<Vec<u8>>,
}

/// The page's side: sends requests to the worker one at a time and hands each answer to `on_answer`.
#[derive(Clone)]
pub struct Client {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    /// No worker could be started: answer here.
    local: Option<Session>,
    in_flight: Option<Request>,
    queue: VecDeque<Request>,
    watchdog: Option<Timeout>,
    on_answer: Rc<dyn Fn(Answer)>,
    /// Kept alive while the worker is.
    _onmessage: Option<Closure<dyn FnMut(MessageEvent)>>,
    restarts: u32,
    /// Image catalogue files fetched so far (see `catalogue_fetch`), sent with every build that needs them.
    catalogue: Vec<(&'static str, String)>,
    /// Catalogue files whose fetch failed for the build being prepared (not fetched again for it).
    unavailable: Vec<&'static str>,
    /// Counts the builds asked for: a build whose files arrive after a newer build was asked for is dropped.
    builds: u64,
}

impl Client {
    /// Starts the worker (or, where none can start, a session on this thread).
    pub fn new(on_answer: impl Fn(Answer) + 'static) -> Client {
        let client = Client {
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                ready: false,
                local: None,
                in_flight: None,
                queue: VecDeque::new(),
                watchdog: None,
                on_answer: Rc::new(on_answer),
                _onmessage: None,
                restarts: 0,
                catalogue: Vec::new(),
                unavailable: Vec::new(),
                builds: 0,
            })),
        };
        client.start_worker();
        client
    }

    /// True when requests are answered by a worker (false: on the main thread).
    pub fn in_worker(&self) -> bool {
        self.inner.borrow().local.is_none()
    }

    /// How many times the worker was replaced after hanging.
    pub fn restarts(&self) -> u32 {
        self.inner.borrow().restarts
    }

    fn start_worker(&self) {
        match spawn() {
            Ok(worker) => {
                let weak = Rc::downgrade(&self.inner);
                let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                    if let Some(inner) = weak.upgrade() {
                        Client { inner }.on_message(e.data());
                    }
                });
                worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
                let mut inner = self.inner.borrow_mut();
                inner.worker = Some(worker);
                inner.ready = false;
                inner._onmessage = Some(onmessage);
            }
            Err(_) => {
                self.inner.borrow_mut().local = Some(Session::new());
            }
        }
    }

    /// Asks for `req`. A build waiting behind the one in flight is replaced by a newer one. A build that
    /// names a catalogue image whose file the page has not fetched yet waits for it, and so does a run line
    /// that names one (`docker run nginx` before any build named nginx).
    pub fn send(&self, req: Request) {
        match req {
            Request::Build { .. } => {
                let seq = {
                    let mut inner = self.inner.borrow_mut();
                    inner.builds += 1;
                    inner.builds
                };
                self.queue_with_catalogue(req, Some(seq));
            }
            Request::Run { .. } => self.queue_with_catalogue(req, None),
            _ => self.queue(req),
        }
    }

    /// Queues a build (number `seq`) or a run line (`None`) once the catalogue files it needs are here:
    /// fetches the missing ones first, and drops a build if a newer one was asked for meanwhile.
    fn queue_with_catalogue(&self, mut req: Request, seq: Option<u64>) {
        let needed = match &req {
            Request::Build { project, .. } => crate::catalogue_fetch::needed(project),
            Request::Run { line, .. } => crate::catalogue_fetch::needed_for_run(line),
            _ => Vec::new(),
        };
        let missing: Vec<&'static str> = {
            let inner = self.inner.borrow();
            needed
                .iter()
                .copied()
                .filter(|f| {
                    !inner.catalogue.iter().any(|(g, _)| g == f) && !inner.unavailable.contains(f)
                })
                .collect()
        };
        if !missing.is_empty() {
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                for f in missing {
                    let got = crate::catalogue_fetch::fetch(f).await;
                    let mut inner = this.inner.borrow_mut();
                    match got {
                        Ok(text) => inner.catalogue.push((f, text)),
                        Err(_) => inner.unavailable.push(f),
                    }
                }
                // A newer build was asked for meanwhile: it goes instead.
                if seq.is_none_or(|s| this.inner.borrow().builds == s) {
                    this.queue_with_catalogue(req, seq);
                }
            });
            return;
        }
        {
            let mut inner = self.inner.borrow_mut();
            // The next request tries the ones that failed again (the network may be back).
            inner.unavailable.clear();
            let files: Vec<(String, String)> = inner
                .catalogue
                .iter()
                .filter(|(f, _)| needed.contains(f))
                .map(|(f, t)| (f.to_string(), t.clone()))
                .collect();
            if let Request::Build { catalogue, .. } | Request::Run { catalogue, .. } = &mut req {
                *catalogue = files;
            }
        }
        self.queue(req);
    }

    /// Puts `req` in the queue (a build replaces the build waiting there) and sends what can go.
    fn queue(&self, req: Request) {
        {
            let mut inner = self.inner.borrow_mut();
            if matches!(req, Request::Build { .. }) {
                inner.queue.retain(|q| !matches!(q, Request::Build { .. }));
            }
            inner.queue.push_back(req);
        }
        self.pump();
    }

    /// Sends the next request when nothing is in flight.
    fn pump(&self) {
        let local = self.inner.borrow().local.is_some();
        if local {
            // On the main thread: answer each queued request now, one per tick, so the page can paint.
            let next = {
                let mut inner = self.inner.borrow_mut();
                if inner.in_flight.is_some() {
                    return;
                }
                inner.queue.pop_front()
            };
            let Some(req) = next else { return };
            self.inner.borrow_mut().in_flight = Some(req.clone());
            let this = self.clone();
            Timeout::new(0, move || {
                let (reply, bytes) = {
                    let mut inner = this.inner.borrow_mut();
                    match inner.local.as_mut() {
                        Some(s) => answer(s, req.clone()),
                        None => (Reply::Failed("no session".to_string()), None),
                    }
                };
                this.finish(reply, bytes);
            })
            .forget();
            return;
        }
        let mut inner = self.inner.borrow_mut();
        if !inner.ready || inner.in_flight.is_some() {
            return;
        }
        let Some(req) = inner.queue.pop_front() else {
            return;
        };
        let json = serde_json::to_string(&req).unwrap_or_default();
        if let Some(w) = &inner.worker {
            let _ = w.post_message(&JsValue::from_str(&json));
        }
        inner.in_flight = Some(req);
        let weak = Rc::downgrade(&self.inner);
        inner.watchdog = Some(Timeout::new(WATCHDOG_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Client { inner }.give_up();
            }
        }));
    }

    fn on_message(&self, data: JsValue) {
        if data.as_string().as_deref() == Some(READY) {
            self.inner.borrow_mut().ready = true;
            self.pump();
            return;
        }
        let arr: js_sys::Array = data.unchecked_into();
        let json = arr.get(0).as_string().unwrap_or_default();
        let bytes = arr
            .get(1)
            .dyn_into::<js_sys::Uint8Array>()
            .ok()
            .map(|a| a.to_vec());
        // from_slice: see `serve`.
        let reply = serde_json::from_slice::<Reply>(json.as_bytes()).unwrap_or_else(|e| {
            Reply::Failed(format!("the worker's reply could not be read: {e}"))
        });
        self.finish(reply, bytes);
    }

    /// Hands the in-flight request's answer over and sends the next.
    fn finish(&self, reply: Reply, bytes: Option<Vec<u8>>) {
        let (request, on_answer) = {
            let mut inner = self.inner.borrow_mut();
            inner.watchdog = None;
            (inner.in_flight.take(), inner.on_answer.clone())
        };
        if let Some(request) = request {
            on_answer(Answer {
                request,
                reply,
                bytes,
            });
        }
        self.pump();
    }

    /// The worker did not answer in time: stop it, start another, and say so.
    fn give_up(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            if let Some(w) = inner.worker.take() {
                w.terminate();
            }
            inner.restarts += 1;
        }
        self.start_worker();
        crate::components::base_images::after_restart();
        let secs = WATCHDOG_MS / 1000;
        self.finish(
            Reply::Failed(format!(
                "stopped after {secs} s: the worker did not finish, so it was replaced (the build cache \
                 starts empty again)"
            )),
            None,
        );
    }
}

/// Starts the worker from the glue and wasm that the page itself loaded (trunk links both in `<head>`).
fn spawn() -> Result<Worker, JsValue> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let href = |selector: &str| -> Result<String, JsValue> {
        doc.query_selector(selector)?
            .and_then(|e| e.dyn_into::<HtmlLinkElement>().ok())
            .map(|l| l.href())
            .ok_or_else(|| JsValue::from_str("the page has no link to its wasm"))
    };
    let glue = href("link[rel=modulepreload][href$='.js']")?;
    let wasm = href("link[rel=preload][href$='.wasm']")?;
    let glue = serde_json::to_string(&glue).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let wasm = serde_json::to_string(&wasm).map_err(|e| JsValue::from_str(&e.to_string()))?;
    // The site's base URL for `data_fetch` (the worker runs from a blob: URL): the folder of the wasm.
    let script = format!(
        "import init from {glue};\nself.{} = new URL('.', {wasm}).href;\nawait init({{ module_or_path: {wasm} }});\n",
        crate::data_fetch::SITE_GLOBAL
    );
    let opts = BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&script.into()), &opts)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let wopts = WorkerOptions::new();
    wopts.set_type(WorkerType::Module);
    wopts.set_name("strata-build");
    // The URL stays valid for the page's life: a replacement worker after a hang starts from it again
    // cheaply, and revoking it before the worker has fetched it would race.
    Worker::new_with_options(&url, &wopts)
}
