//! The store as the image source of a build: what `FROM` and `COPY --from=<image>` find (strata-build's
//! image-source trait), and the way back in for the image a build produces.
//!
//! Only the images a build names are read, when it names them: a store that holds large unrelated images
//! costs a small build nothing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use strata_build::{BuiltImage, SourceImage};
use strata_image::archive::LayerBlob;
use strata_image::layer::Compression;
use strata_image::{Changeset, Digest};

use crate::{normalize_reference, Error, NewLayer, Result, Store};

/// Images from the on-disk store, then from a fallback source (the simulator's built-in models).
pub struct DiskImages<'a> {
    store: &'a Store,
    fallback: Option<&'a dyn strata_build::ImageSource>,
    /// The stored blobs of the layers handed out (their digests), by diff_id: an image built on them reuses
    /// these exact blobs (re-serializing a layer read from someone else's tar need not give the same
    /// diff_id).
    blobs: RefCell<HashMap<Digest, Digest>>,
}

impl<'a> DiskImages<'a> {
    /// The store's images, and nothing else.
    pub fn new(store: &'a Store) -> DiskImages<'a> {
        DiskImages {
            store,
            fallback: None,
            blobs: RefCell::default(),
        }
    }

    /// Looks in `fallback` for what the store does not have.
    pub fn with_fallback(mut self, fallback: &'a dyn strata_build::ImageSource) -> DiskImages<'a> {
        self.fallback = Some(fallback);
        self
    }

    /// The blob of a layer with this diff_id: the stored one if the layer came from the store, else the
    /// changeset written as an uncompressed tar.
    pub fn layer_blob(&self, diff_id: &Digest, changeset: &Changeset) -> Result<LayerBlob> {
        if let Some(digest) = self.blobs.borrow().get(diff_id) {
            let bytes = self.store.read_blob(digest)?;
            return Ok(LayerBlob {
                compression: Compression::detect(&bytes),
                bytes: bytes.into(),
                diff_id: *diff_id,
            });
        }
        LayerBlob::from_changeset(changeset, Compression::None).map_err(|source| Error::BadImage {
            what: format!("layer {diff_id}"),
            source,
        })
    }

    /// Puts a built image into the store under `tags` (each `name[:tag]`); returns its ID. The time its
    /// config records is the time the tags are set. The layers a build made are streamed from their
    /// changesets into the store ([`Store::import_built`]); the ones it started from keep their blobs.
    /// `simulated`: the simulator built it ([`crate::ImageRecord::simulated`]).
    pub fn store_built(
        &self,
        image: &BuiltImage,
        tags: &[String],
        simulated: bool,
    ) -> Result<Digest> {
        let tags = tags
            .iter()
            .map(|t| normalize_reference(t))
            .collect::<Result<Vec<_>>>()?;
        // An all-cached rebuild makes the image the store already has, under the same names: nothing to write.
        let id = image.id();
        if let Ok(rec) = self.store.resolve(&id.to_string()) {
            if rec.id == id && tags.iter().all(|t| rec.tags.contains(t)) {
                return Ok(id);
            }
        }
        let blobs = self.blobs.borrow();
        let layers: Vec<NewLayer<'_>> = image
            .layers
            .iter()
            .map(|l| match blobs.get(&l.diff_id) {
                Some(digest) => NewLayer::Stored {
                    digest: *digest,
                    diff_id: l.diff_id,
                },
                None => NewLayer::Built {
                    changeset: &l.changeset,
                    diff_id: l.diff_id,
                },
            })
            .collect();
        let created = image.config.created.clone().unwrap_or_default();
        self.store
            .import_built(&image.config_json(), &layers, tags, &created, simulated)
    }

    fn stored(&self, reference: &str) -> Option<SourceImage> {
        let img = self.store.image(reference).ok()?;
        let config = img.config.clone();
        let mut layers = Vec::new();
        let mut found = Vec::new();
        for (d, diff_id) in img.manifest.layers.iter().zip(&config.rootfs.diff_ids) {
            let cs = crate::stored_layer::read_trusted_layer(self.store, &d.digest).ok()?;
            layers.push(Arc::new(cs));
            found.push((*diff_id, d.digest));
        }
        let mut blobs = self.blobs.borrow_mut();
        for (diff_id, digest) in found {
            blobs.insert(diff_id, digest);
        }
        Some(SourceImage {
            reference: reference.to_owned(),
            config,
            layers,
            modelled: false,
            substitute: None,
        })
    }
}

impl strata_build::ImageSource for DiskImages<'_> {
    fn image(&self, reference: &str) -> Option<SourceImage> {
        self.stored(reference)
            .or_else(|| self.fallback.and_then(|f| f.image(reference)))
    }

    /// As the fallback does: the simulator's models stand in for an unknown image, the store alone never.
    fn stands_in_for_unknown(&self) -> bool {
        self.fallback.is_some_and(|f| f.stands_in_for_unknown())
    }
}
