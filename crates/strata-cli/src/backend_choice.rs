//! Which backend `strata build` uses when `--backend` is not given: real containers when this machine can run
//! them and every base image the Dockerfile names is a real image in the store, as `docker build` would build
//! it; else the simulator, with a line that says why (the base is only modelled, not root, no overlayfs),
//! so a preview is never mistaken for a real build. `strata run` chooses the same way for its image
//! ([`choose_for_run`]).

use std::path::Path;

use crate::build::BackendKind;

/// The backend to use, and why the simulator was chosen when it was.
pub fn choose(
    dockerfile: &str,
    build_args: &[(String, String)],
    target: Option<&str>,
    store: &strata_native::Store,
    runtime: &Path,
) -> (BackendKind, Option<String>) {
    if let Err(why) = native_ready(runtime) {
        return (BackendKind::Sim, Some(why));
    }
    match modelled_base(dockerfile, build_args, target, store) {
        Some(why) => (BackendKind::Sim, Some(why)),
        None => (BackendKind::Native, None),
    }
}

/// The backend `strata run IMAGE` uses when `--backend` is not given: real containers for a real image of the
/// store (loaded, imported, or built for real) on a machine that can run them, as `docker run` would; the
/// simulator for the simulator's models and for images it built, whose programs are stand-ins. The reason
/// is given only when a real image is simulated because this machine cannot run it, which would surprise.
pub fn choose_for_run(
    image: &str,
    store: &strata_native::Store,
    runtime: &Path,
) -> (BackendKind, Option<String>) {
    match store.resolve(image) {
        Ok(rec) if !rec.simulated => match native_ready(runtime) {
            Ok(()) => (BackendKind::Native, None),
            Err(why) => (BackendKind::Sim, Some(why)),
        },
        _ => (BackendKind::Sim, None),
    }
}

/// Whether real containers can run here: the native backend's own preflight (root, overlayfs), and the
/// runtime binary.
fn native_ready(runtime: &Path) -> Result<(), String> {
    if let Some(why) = strata_native::preflight::host_refusal() {
        return Err(why);
    }
    if runtime.as_os_str() != "builtin" && which(runtime).is_none() {
        return Err(format!(
            "the runtime {} is not installed",
            runtime.display()
        ));
    }
    Ok(())
}

fn which(program: &Path) -> Option<std::path::PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// The first image the build needs (a stage's base, a `COPY --from` or `--mount from=` image; scratch and
/// earlier stages need none) that is not a real image in the store (an image the simulator built is not
/// real), as a sentence; None when every one is real.
fn modelled_base(
    dockerfile: &str,
    build_args: &[(String, String)],
    target: Option<&str>,
    store: &strata_native::Store,
) -> Option<String> {
    for base in strata_build::engine::base_images(dockerfile, build_args, target) {
        match store.resolve(&base) {
            Err(_) if strata_sim::base::lookup_or_substitute(&base).is_none() => {
                let familiar = strata_image::reference::familiar_tagged(&base);
                return Some(format!(
                    "{base} is not in the store and strata has no model of it, so it is simulated as an unknown, \
                     empty image: `docker save {familiar} | strata load` it for a real build"
                ));
            }
            Err(_) => {
                return Some(format!(
                    "{base} is not in the store, only modelled: `strata load` or `strata import` it for a real build"
                ))
            }
            Ok(rec) if rec.simulated => {
                return Some(format!(
                    "{base} was built by the simulator, so its programs are stand-ins: build it for real first"
                ))
            }
            Ok(_) => {}
        }
    }
    None
}
