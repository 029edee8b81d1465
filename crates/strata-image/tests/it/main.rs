//! Integration tests of strata-image: one binary, one module per area.

mod alloc_count;
mod archive;
mod exp_e;
mod image_model;
mod layer_report;
mod layer_tar;
mod memory;
mod overlay;
mod support;
