//! Built-in base image models: realistic layouts and sizes with modelled file contents.
