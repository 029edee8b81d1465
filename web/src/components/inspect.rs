//! The `docker inspect` panel: the image's JSON as `docker image inspect` prints it, with what to look at.

use std::rc::Rc;

use yew::prelude::*;

use crate::build::BuildView;

/// What [`inspect`] shows.
pub struct InspectProps {
    /// The last build.
    pub view: Option<Rc<BuildView>>,
}

/// The inspect panel.
pub fn inspect(props: &InspectProps) -> Html {
    let json = props
        .view
        .as_ref()
        .map(|v| v.inspect.as_str())
        .filter(|j| !j.is_empty());
    let modelled = props.view.as_ref().is_some_and(|v| v.stand_ins);
    html! {
        <section key="inspect" class="pane inspect" aria-label="docker inspect">
            <h2>{ "docker inspect" }</h2>
            <ul class="explain">
                <li><b>{ "Id" }</b>{ " is the sha256 of the image config: change any instruction, even a LABEL, and it changes." }</li>
                <li><b>{ "Config.Cmd / Config.Entrypoint" }</b>{ " are what docker run starts (the Run tab shows how they combine); Env, WorkingDir, User and ExposedPorts come from ENV, WORKDIR, USER and EXPOSE." }</li>
                <li><b>{ "RootFS.Layers" }</b>{ " lists each layer's diff_id (the sha256 of its uncompressed tar), base first: one per instruction that changed files." }</li>
                if modelled {
                    <li id="inspect-modelled"><b>{ "Modelled layers" }</b>{ " are kept as their description (each file's size and seed, not its bytes), so a preview costs what its files are, not what they weigh: such a layer's diff_id is the sha256 of that description, whose STRATA.modelled records say so. The download writes the bytes, so the downloaded image's RootFS.Layers and Id differ from these." }</li>
                }
                <li><b>{ "Size" }</b>{ " is the bytes of all layers, deleted files included: a file removed by a later RUN still counts." }</li>
            </ul>
            if let Some(j) = json {
                <pre id="inspect-json" class="log" tabindex="0">{ j }</pre>
            } else {
                <p class="note">{ "Build the image to inspect it." }</p>
            }
        </section>
    }
}
