//! Go `filepath.Match` semantics for COPY/ADD source wildcards.
