//! WORKDIR: the path as BuildKit records it (absolute ones as written, relative ones joined and cleaned) and
//! the directory it creates, owned by the current user.

use strata_dockerfile::instructions;
use strata_image::Attrs;

use super::fs_step::StepRun;
use super::state::State;
use super::Builder;
use crate::cache::StepInputs;
use crate::copy;
use crate::history::{self, HistoryStyle};
use crate::BuildError;

impl Builder<'_, '_> {
    /// WORKDIR.
    pub(super) fn workdir(
        &mut self,
        st: &mut State,
        w: &instructions::Workdir,
        source_text: String,
    ) -> Result<(), BuildError> {
        let style = self.req.style;
        let shell = st.shell();
        let raw = self.expand(st, &w.path.text, w.path.span)?;
        // BuildKit keeps an absolute path as written (a trailing `/`, `..`) in the config and the
        // history; a relative one is joined onto the working directory and cleaned (Go's
        // `path.Join`). The directory it creates is the cleaned path.
        let wd = if raw.starts_with('/') {
            raw
        } else {
            copy::clean(&format!("{}/{raw}", st.workdir()))
        };
        let dir = copy::clean(&wd);
        st.cc().working_dir = Some(wd.clone());
        let body = format!("WORKDIR {wd}");
        if wd == "/" {
            self.record_metadata(
                st,
                history::metadata(&body, &shell, style),
                source_text,
                w.span,
            );
            return Ok(());
        }
        let (uid, gid) = self.ids_for_user(st, w.span)?;
        let inputs = StepInputs {
            parent: st.key,
            instruction: body.clone(),
            cwd_user: format!("{uid}:{gid}"),
            ..StepInputs::default()
        };
        let now = self.req.now;
        let by = match style {
            HistoryStyle::Buildkit => body.clone(),
            HistoryStyle::Classic => history::classic_file_op(&body, &shell),
        };
        self.fs_step(
            st,
            source_text,
            w.span,
            inputs,
            by,
            "WORKDIR",
            |fs, _b, _out| {
                if !fs.stat(&dir).map(|s| s.is_dir()).unwrap_or(false) {
                    fs.mkdir_all(&dir, Attrs::new(0o755, uid, gid, now))
                        .map_err(|e| {
                            (
                                format!("failed to create WORKDIR {dir}: {e}"),
                                StepRun::default(),
                            )
                        })?;
                }
                Ok(StepRun::default())
            },
        )?;
        Ok(())
    }
}
