//! The playground's entry point. On the page it mounts [`web::App`] on `<body>`; in the build worker (the
//! same wasm, started by the page, where there is no `window`) it serves build requests instead.

fn main() {
    web::data_fetch::install();
    if let Some(window) = web_sys::window() {
        web::offline::register(&window);
        yew::Renderer::<web::App>::new().render();
    } else {
        web::worker::serve();
    }
}
