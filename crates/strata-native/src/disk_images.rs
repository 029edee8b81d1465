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
use strata_image::layer::{Compression, ReadLimits};
use strata_image::{Changeset, Digest};

use crate::{normalize_reference, Error, Result, Store};

/// Images from the on-disk store, then from a fallback source (the simulator's built-in models).
pub struct DiskImages<'a> {
    store: &'a Store,
    fallback: Option<&'a dyn strata_build::ImageSource>,
    /// The stored blobs of the layers handed out, by diff_id: an image built on them reuses these exact
    /// bytes (re-serializing a layer read from someone else's tar need not give the same diff_id).
    blobs: RefCell<HashMap<Digest, LayerBlob>>,
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
        if let Some(b) = self.blobs.borrow().get(diff_id) {
            return Ok(b.clone());
        }
        LayerBlob::from_changeset(changeset, Compression::None).map_err(|source| Error::BadImage {
            what: format!("layer {diff_id}"),
            source,
        })
    }

    /// Puts a built image into the store under `tags` (each `name[:tag]`); returns its ID. The time its
    /// config records is the time the tags are set.
    pub fn store_built(&self, image: &BuiltImage, tags: &[String]) -> Result<Digest> {
        let tags = tags
            .iter()
            .map(|t| normalize_reference(t))
            .collect::<Result<Vec<_>>>()?;
        let img = image.to_archive(tags, |l| self.layer_blob(&l.diff_id, &l.changeset))?;
        let id = img.id();
        let created = image.config.created.clone().unwrap_or_default();
        self.store.import(&[img], &created)?;
        Ok(id)
    }

    fn stored(&self, reference: &str) -> Option<SourceImage> {
        let img = self.store.archive_image(reference).ok()?;
        let config = img.image_config().ok()?;
        let mut layers = Vec::new();
        for l in &img.layers {
            layers.push(Arc::new(l.changeset(&ReadLimits::DEFAULT).ok()?));
        }
        let mut blobs = self.blobs.borrow_mut();
        for l in img.layers {
            blobs.insert(l.diff_id, l);
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
}
