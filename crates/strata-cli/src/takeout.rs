//! What `strata save` says about an image the simulator built: Docker loads its archive, but its modelled
//! files (the base image's programs, what modelled tools wrote) are stand-ins that Docker cannot run, so
//! `docker run` fails with `exec /bin/ls: exec format error`. What does run is the same Dockerfile built by
//! Docker from its context.

use strata_native::ImageRecord;

/// The warning for `rec`, saved under `tags` (its ID when untagged), with how to get an image that runs.
pub fn stand_ins_warning(rec: &ImageRecord, tags: &[String]) -> String {
    let short: String = rec.id.hex().chars().take(12).collect();
    let name = tags.first().map_or(short.as_str(), String::as_str);
    format!(
        "warning: {name} was built by strata's simulator: its modelled files (the base image's programs, what \
         modelled tools wrote) are stand-ins, so Docker loads this archive but cannot run them (`docker run` \
         fails with `exec /bin/ls: exec format error`). The archive is written anyway, its modelled layers with \
         their bytes: the store keeps them as descriptions, so the archive's layer digests and image ID are not \
         the store's. For an image that runs, \
         build the same Dockerfile with Docker from its context directory DIR: \
         `tar -C DIR -c . | docker build -t {name} -` (the Dockerfile at DIR/Dockerfile), or \
         `strata build --backend native` on a real base (`docker save BASE | strata load`)."
    )
}
