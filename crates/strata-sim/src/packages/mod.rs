//! Modelled package managers: `apk`, `apt-get`, `yum`/`dnf`, `pip`, from a small built-in catalogue.
