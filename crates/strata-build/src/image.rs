//! What a build produces: an image as config plus layers, with the merged filesystem kept for the views.

use std::sync::Arc;

use strata_image::image::{to_json, ImageConfig};
use strata_image::{digest, layer, Changeset, Digest, Tree};

use crate::BuildError;

/// One layer of a built image.
#[derive(Debug, Clone)]
pub struct Layer {
    /// What the layer adds, changes and deletes.
    pub changeset: Arc<Changeset>,
    /// The digest of the uncompressed layer tar.
    pub diff_id: Digest,
    /// Bytes of file content in the layer (what `docker history` shows as SIZE).
    pub size: u64,
}

impl Layer {
    /// Computes the diff_id of `changeset` (writes its tar into a hashing sink).
    pub fn new(changeset: Arc<Changeset>) -> Result<Layer, BuildError> {
        let diff_id = layer::diff_id(&changeset)
            .map_err(|e| BuildError::new(format!("writing the layer: {e}")))?;
        let size = changeset.content_size();
        Ok(Layer {
            changeset,
            diff_id,
            size,
        })
    }
}

/// An image: its config (with history and diff_ids) and its layers, bottom first.
#[derive(Debug, Clone)]
pub struct BuiltImage {
    /// The image config, as it will be written.
    pub config: ImageConfig,
    /// The layers, bottom first; `config.rootfs.diff_ids` lists their diff_ids.
    pub layers: Vec<Layer>,
    /// The merged filesystem (all layers applied).
    pub tree: Arc<Tree>,
}

impl BuiltImage {
    /// The config JSON bytes (the image ID is their digest).
    pub fn config_json(&self) -> Vec<u8> {
        to_json(&self.config)
    }

    /// The image ID: `sha256` of the config JSON.
    pub fn id(&self) -> Digest {
        digest::image_id(&self.config_json())
    }
}
