//! `docker run` resolution: which argv, environment, working directory and user Docker would start.
