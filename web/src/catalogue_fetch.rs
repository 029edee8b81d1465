//! The image catalogue's files, fetched when a build first needs them. The playground's wasm holds only the
//! catalogue's index (`strata_sim::base`): the models of node, golang, nginx, … are files of the site
//! (`catalogue/NAME.txt`, copied there by trunk), fetched by the page when a Dockerfile names one of them
//! (its FROM lines, `COPY --from`, `RUN --mount from=`), kept for the page's life and handed to the build
//! worker with the build that needs them. The page's run line does the same for the image it names
//! (`docker run nginx` before any build named nginx). The service worker keeps every fetched file, so a model used once
//! works offline afterwards.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::project::Project;

/// The catalogue files a build of `project` needs (each once): the models of the images it names and the
/// files their own bases live in.
pub fn needed(project: &Project) -> Vec<&'static str> {
    let mut files: Vec<&'static str> = Vec::new();
    for image in strata_build::engine::base_images(&project.dockerfile, &[], None) {
        for f in strata_sim::base::catalogue_files_for(&image) {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    files
}

/// The catalogue files the run line `line` needs: those of the image it names (`docker run nginx` →
/// `nginx.txt`), so that a catalogue image runs before any build has named it. Nothing for a line that does
/// not parse or names no catalogue image (the image built from the Dockerfile, `busybox`).
pub fn needed_for_run(line: &str) -> Vec<&'static str> {
    strata_build::run::parse_run_line(line)
        .map(|l| strata_sim::base::catalogue_files_for(&l.image))
        .unwrap_or_default()
}

/// The text of catalogue file `file`, fetched from the site (`catalogue/FILE`, beside the page).
pub async fn fetch(file: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let url = format!("catalogue/{file}");
    let resp = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|e| format!("fetching {url}: {}", describe(&e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_owned())?;
    if !resp.ok() {
        return Err(format!("fetching {url}: HTTP {}", resp.status()));
    }
    let text = resp
        .text()
        .map_err(|e| format!("reading {url}: {}", describe(&e)))?;
    JsFuture::from(text)
        .await
        .map_err(|e| format!("reading {url}: {}", describe(&e)))?
        .as_string()
        .ok_or_else(|| format!("reading {url}: not text"))
}

fn describe(e: &wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "the network failed".to_owned())
}
