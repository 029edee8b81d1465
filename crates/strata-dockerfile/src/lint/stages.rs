//! Stages and images: `COPY --from` naming no stage (SD0117), unpinned base images (SD0118), reserved stage
//! names (SD0119), MAINTAINER (SD0120).

use super::catalog::code;
use super::context::Cx;
use crate::instructions::text::suggest;
use crate::instructions::Command;

/// Run the rules of this file.
pub(super) fn check(cx: &mut Cx) {
    let names: Vec<String> = cx
        .lowered
        .stages
        .iter()
        .filter_map(|s| s.name.clone())
        .collect();
    for stage in &cx.lowered.stages {
        if let (Some(name), Some(span)) = (&stage.name, stage.name_span) {
            if name == "scratch" || name == "context" {
                let d = cx.report(
                    code::RESERVED_STAGE_NAME,
                    span,
                    format!("`{name}` is reserved and should not be used as a stage name"),
                );
                d.help = Some("choose another name, e.g. `AS base`".to_string());
            }
        }
        unpinned(cx, stage, &names);
        for cmd in &stage.commands {
            match cmd {
                Command::Copy(c) => {
                    let Some(from) = &c.from else { continue };
                    if c.from_stage.is_some() {
                        continue;
                    }
                    let text = from.text.as_str();
                    let numeric = text
                        .trim_start_matches(['+', '-'])
                        .bytes()
                        .all(|b| b.is_ascii_digit());
                    if text.contains('$')
                        || numeric
                        || names.iter().any(|n| n.eq_ignore_ascii_case(text))
                    {
                        // Errors of the instruction layer, or a later stage.
                        continue;
                    }
                    if let Some(s) = suggest(text, names.iter().map(String::as_str), false) {
                        let d = cx.report(
                            code::COPY_FROM_UNKNOWN,
                            from.span,
                            format!("no stage is named `{text}`, so it is pulled as an image"),
                        );
                        d.help = Some(format!("did you mean --from={s}?"));
                    } else if !text.contains(['/', ':', '@', '.']) {
                        let d = cx.report(
                            code::COPY_FROM_UNKNOWN,
                            from.span,
                            format!("no stage is named `{text}`, so Docker pulls the image `{text}:latest`"),
                        );
                        d.help = Some(format!(
                            "name a stage `FROM … AS {text}`, or write a tagged image, e.g. --from={text}:<version>"
                        ));
                    }
                }
                Command::Maintainer(m) => {
                    let span = cx.instruction(m.span).map_or(m.span, |i| i.keyword.span);
                    let d = cx.report(
                        code::MAINTAINER_DEPRECATED,
                        span,
                        "MAINTAINER is deprecated",
                    );
                    d.help = Some(format!(
                        "use LABEL org.opencontainers.image.authors=\"{}\"",
                        m.name.text.replace('"', "\\\"")
                    ));
                }
                _ => {}
            }
        }
    }
}

/// SD0118: FROM an image without a tag or digest, or with `:latest`.
fn unpinned(cx: &mut Cx, stage: &crate::instructions::Stage, names: &[String]) {
    let base = stage.base.as_str();
    if stage.base_stage.is_some()
        || base.eq_ignore_ascii_case("scratch")
        || base.contains('$')
        || base.contains('@')
        || names.iter().any(|n| n == base)
    {
        return;
    }
    // A `:` in the last path component is the tag (one in an earlier component is a registry port).
    let last = base.rsplit('/').next().unwrap_or(base);
    let (repo, tag) = match last.rsplit_once(':') {
        Some((_, t)) => (&base[..base.len() - t.len() - 1], Some(t)),
        None => (base, None),
    };
    let msg = match tag {
        None => format!("`{base}` has no tag, so it means `{base}:latest`, whatever that is today"),
        Some(t) if t.eq_ignore_ascii_case("latest") => {
            format!("`{base}` follows `latest`, so the build can change without the Dockerfile changing")
        }
        Some(_) => return,
    };
    let d = cx.report(code::UNPINNED_IMAGE, stage.base_span, msg);
    d.help = Some(format!(
        "pin a version you tested, e.g. FROM {repo}:<version>"
    ));
}
