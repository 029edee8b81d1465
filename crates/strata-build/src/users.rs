//! `/etc/passwd` and `/etc/group` lookups for `USER`, `docker run -u` and `COPY --chown`.
