//! The lines a build log closes with once the image is written: BuildKit's `exporting to image` vertex, or
//! the classic builder's `Successfully built` / `Successfully tagged`. Shared by the CLI and the playground.
//!
//! What Docker 20.10 prints (observed with `docker build --progress plain -t hcore-a -t me/app:1`):
//!
//! ```text
//! #6 exporting to image
//! #6 exporting layers done
//! #6 writing image sha256:944a…8418 done
//! #6 naming to docker.io/library/hcore-a done
//! #6 naming to docker.io/me/app:1 done
//! #6 DONE 0.0s
//! ```
//!
//! (each name as given, made fully qualified, no `:latest` added), and with `DOCKER_BUILDKIT=0`:
//!
//! ```text
//! Successfully built eba04983185d
//! Successfully tagged hcore-a:latest
//! Successfully tagged me/app:1
//! ```
//!
//! (each name in its familiar form with its tag). strata prints no timings, so the last line is `#6 DONE`;
//! BuildKit's vertex digest line (`#6 sha256:…`) is not printed, as for the other vertices.

use strata_image::Digest;

use crate::HistoryStyle;
use strata_image::reference::{familiar_tagged, fully_qualified};

/// The closing lines of a build log in `style`, for the image `id` named `tags` (each as the user gave it).
/// `vertices` is the number of BuildKit vertices the log printed (the export is the next one); the classic
/// style does not use it.
pub fn export_lines(
    style: HistoryStyle,
    vertices: usize,
    id: &Digest,
    tags: &[String],
) -> Vec<String> {
    match style {
        HistoryStyle::Buildkit => {
            let n = vertices + 1;
            let mut out = vec![
                format!("#{n} exporting to image"),
                format!("#{n} exporting layers done"),
                format!("#{n} writing image {id} done"),
            ];
            out.extend(
                tags.iter()
                    .map(|t| format!("#{n} naming to {} done", fully_qualified(t))),
            );
            out.push(format!("#{n} DONE"));
            out
        }
        HistoryStyle::Classic => {
            let mut out = vec![format!("Successfully built {}", &id.hex()[..12])];
            out.extend(
                tags.iter()
                    .map(|t| format!("Successfully tagged {}", familiar_tagged(t))),
            );
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Digest {
        Digest::of(b"config")
    }

    #[test]
    fn buildkit_names_each_tag_fully_qualified_without_adding_latest() {
        let id = id();
        let lines = export_lines(
            HistoryStyle::Buildkit,
            5,
            &id,
            &["hcore-a".to_owned(), "me/app:1".to_owned()],
        );
        assert_eq!(
            lines,
            vec![
                "#6 exporting to image".to_owned(),
                "#6 exporting layers done".to_owned(),
                format!("#6 writing image {id} done"),
                "#6 naming to docker.io/library/hcore-a done".to_owned(),
                "#6 naming to docker.io/me/app:1 done".to_owned(),
                "#6 DONE".to_owned(),
            ]
        );
    }

    #[test]
    fn buildkit_without_tags_names_nothing() {
        let lines = export_lines(HistoryStyle::Buildkit, 0, &id(), &[]);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "#1 exporting to image");
        assert_eq!(lines[3], "#1 DONE");
    }

    #[test]
    fn classic_names_each_tag_familiar_with_its_tag() {
        let id = id();
        let lines = export_lines(
            HistoryStyle::Classic,
            9,
            &id,
            &[
                "hcore-a".to_owned(),
                "me/app:1".to_owned(),
                "docker.io/library/x".to_owned(),
            ],
        );
        assert_eq!(
            lines,
            vec![
                format!("Successfully built {}", &id.hex()[..12]),
                "Successfully tagged hcore-a:latest".to_owned(),
                "Successfully tagged me/app:1".to_owned(),
                "Successfully tagged x:latest".to_owned(),
            ]
        );
    }

    #[test]
    fn familiar_keeps_registries_and_ports() {
        assert_eq!(
            familiar_tagged("localhost:5000/a"),
            "localhost:5000/a:latest"
        );
        assert_eq!(familiar_tagged("quay.io/x/y:2"), "quay.io/x/y:2");
    }
}
