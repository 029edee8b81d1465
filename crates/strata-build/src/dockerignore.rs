//! `.dockerignore`: reading the file and matching context paths with Docker's rules (not gitignore's).
