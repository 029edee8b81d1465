//! What a build produces: an image as config plus layers, with the merged filesystem kept for the views.

use std::sync::Arc;

use strata_image::archive::{ArchiveImage, LayerBlob};
use strata_image::image::{to_json, ImageConfig};
use strata_image::layer::Compression;
use strata_image::{digest, layer, Changeset, Digest, Tree};

use crate::BuildError;

/// One layer of a built image.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// The layer as a blob of its own: the changeset written as an uncompressed tar. A layer that came from
    /// a stored image should rather keep the stored blob (see [`BuiltImage::to_archive`]).
    pub fn blob(&self) -> Result<LayerBlob, BuildError> {
        LayerBlob::from_changeset(&self.changeset, Compression::None)
            .map_err(|e| BuildError::new(format!("writing the layer {}: {e}", self.diff_id)))
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

    /// The image as an archive image (what `docker save` writes and a store imports) named `tags` (each
    /// `name:tag`, already normalized by the caller). `blob` gives each layer's bytes: [`Layer::blob`], or,
    /// for a layer a store handed out, the blob it holds (re-writing someone else's tar need not give the
    /// same diff_id).
    pub fn to_archive<E>(
        &self,
        tags: Vec<String>,
        blob: impl FnMut(&Layer) -> Result<LayerBlob, E>,
    ) -> Result<ArchiveImage, E> {
        Ok(ArchiveImage {
            config: self.config_json().into(),
            layers: self.layers.iter().map(blob).collect::<Result<_, _>>()?,
            tags,
        })
    }
}
