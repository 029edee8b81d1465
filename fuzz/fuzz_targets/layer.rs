//! Fuzz the layer and archive readers: reading untrusted bytes as a layer tar (plain or gzip) or as a
//! docker-archive / OCI archive must never panic; a layer that reads must apply to a tree and write back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_image::archive::read_archive;
use strata_image::layer::{read_layer, to_tar, ReadLimits};
use strata_image::{diff, Tree};

/// Small enough that a gzip bomb or a huge header size stops quickly.
const LIMITS: ReadLimits = ReadLimits {
    max_expanded: 16 << 20,
    max_entries: 10_000,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(layer) = read_layer(data, &LIMITS) {
        let mut tree = Tree::new();
        if layer.apply(&mut tree).is_ok() {
            let again = diff(&Tree::new(), &tree);
            let _ = to_tar(&again);
        }
        let _ = to_tar(&layer);
    }
    if let Ok(images) = read_archive(data, &LIMITS) {
        for img in &images {
            let _ = img.image_config();
            for l in &img.layers {
                let _ = l.changeset(&LIMITS);
            }
        }
    }
});
