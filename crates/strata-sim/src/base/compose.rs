//! A catalogue model as an image: its text in the resolved variant, built on its base the way its
//! Dockerfile builds it.
//!
//! Beyond the family lines (`family.rs`) and the entry lines of `parse.rs`, a catalogue file says:
//!
//! | line | meaning |
//! |---|---|
//! | `?FLAG line` / `?!FLAG line` | the line only counts with (without) the flag; prefixes chain |
//! | `{NAME}` in a line | the resolved value; a line naming a value the tag has none for is left out |
//! | `from REF` | the base image (a model, another catalogue reference, or `scratch`) |
//! | `created TIME` | the image's creation time |
//! | `env K=V`, `entrypoint JSON`, `cmd JSON`, `workdir P`, `user U`, `expose P/tcp…`, `stopsignal S`, `volume P…` | the config, as the Dockerfile instruction sets it (each also a history entry) |
//! | `layer CREATED_BY` | starts a layer made by that step |
//! | `append PATH [MODE] [UID:GID] \| LINE` | the file as the layers below have it, plus LINE (`/etc/passwd`) |
//! | `note TEXT` | a sentence the build shows on the FROM line (what stands in for what) |

use strata_image::image::{EmptyObject, History, ImageConfig};
use strata_image::{Content, EntryKind};

use super::family::Resolved;
use super::BaseImage;

/// Looks up a `from` reference: the image and, when something stands in for it, a sentence saying so.
pub(crate) type BaseLookup<'a> = dyn Fn(&str) -> Option<(BaseImage, Option<String>)> + 'a;

/// The lines of `text` that count with `flags`, their `{NAME}`s replaced.
fn effective(text: &str, r: &Resolved) -> String {
    let mut out = String::new();
    'lines: for line in text.lines() {
        let mut l = line;
        loop {
            if let Some(rest) = l.strip_prefix("?!") {
                let Some((flag, tail)) = rest.split_once(' ') else {
                    continue 'lines;
                };
                if r.flags.iter().any(|f| f == flag) {
                    continue 'lines;
                }
                l = tail;
            } else if let Some(rest) = l.strip_prefix('?') {
                let Some((flag, tail)) = rest.split_once(' ') else {
                    continue 'lines;
                };
                if !r.flags.iter().any(|f| f == flag) {
                    continue 'lines;
                }
                l = tail;
            } else {
                break;
            }
        }
        let mut s = String::with_capacity(l.len());
        let mut rest = l;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            // `${NAME}` is the shell's, not a value of ours.
            let shell = open > 0 && rest.as_bytes()[open - 1] == b'$';
            let known = !shell
                && !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            s.push_str(&rest[..open]);
            if known {
                match r.vars.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => s.push_str(v),
                    None => continue 'lines,
                }
            } else {
                s.push_str(&rest[open..=open + close]);
            }
            rest = &rest[open + close + 1..];
        }
        s.push_str(rest);
        out.push_str(&s);
        out.push('\n');
    }
    out
}

fn json_list(s: &str) -> Option<Vec<String>> {
    strata_image::image::from_json("catalogue list", s.as_bytes()).ok()
}

fn history(created: &Option<String>, by: String, empty: bool) -> History {
    History {
        created: created.clone(),
        created_by: Some(by),
        comment: Some("buildkit.dockerfile.v0".into()),
        empty_layer: empty,
        ..History::default()
    }
}

/// Builds the image `reference` names from catalogue `text` resolved as `r`. `base` looks up the `from`
/// reference (and says what stands in for it). Returns the image and the notes.
pub(crate) fn compose(
    reference: &str,
    name: &str,
    text: &str,
    mut r: Resolved,
    base: &BaseLookup<'_>,
) -> Option<(BaseImage, Vec<String>)> {
    let text = effective(text, &r);
    let from = text.lines().find_map(|l| l.strip_prefix("from "))?.trim();
    let (base_img, base_note) = base(from)?;
    r.notes.extend(base_note);
    let mut config = base_img.config.clone();
    config.rootfs.diff_ids.clear();
    let mut cc = config.config.take().unwrap_or_default();
    // CMD inherited from the base is reset by an ENTRYPOINT, as in a Dockerfile.
    let mut cmd_set = false;
    let created = text
        .lines()
        .find_map(|l| l.strip_prefix("created "))
        .map(|s| s.trim().to_string());
    let mut layers_text = String::from(
        "config {\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}\n",
    );
    // `append PATH … | LINE`: (layer, path, text) to add to the file as the layers below have it.
    let mut appends: Vec<(usize, String, String)> = Vec::new();
    let mut layer_count = 0usize;
    for line in text.lines() {
        let (op, arg) = line.split_once(' ').unwrap_or((line, ""));
        let step = match op {
            "env" => {
                let (k, v) = arg.split_once('=')?;
                let env = cc
                    .env
                    .get_or_insert(Some(Vec::new()))
                    .get_or_insert_with(Vec::new);
                // A key already set is replaced where it stands, as Docker does.
                let kv = format!("{k}={v}");
                match env
                    .iter_mut()
                    .find(|e| e.split_once('=').map_or(e.as_str(), |(ek, _)| ek) == k)
                {
                    Some(e) => *e = kv,
                    None => env.push(kv),
                }
                format!("ENV {k}={v}")
            }
            "entrypoint" => {
                // `ENTRYPOINT []` clears it (tomcat's): the config has none.
                let list = json_list(arg)?;
                cc.entrypoint = (!list.is_empty()).then_some(Some(list));
                if !cmd_set {
                    cc.cmd = None;
                }
                format!("ENTRYPOINT {arg}")
            }
            "cmd" => {
                cc.cmd = Some(Some(json_list(arg)?));
                cmd_set = true;
                format!("CMD {arg}")
            }
            "workdir" => {
                cc.working_dir = Some(arg.to_string());
                format!("WORKDIR {arg}")
            }
            "user" => {
                cc.user = Some(arg.to_string());
                format!("USER {arg}")
            }
            "stopsignal" => {
                cc.stop_signal = Some(arg.to_string());
                format!("STOPSIGNAL {arg}")
            }
            "expose" => {
                let ports = cc
                    .exposed_ports
                    .get_or_insert(Some(Default::default()))
                    .get_or_insert_with(Default::default);
                for p in arg.split_whitespace() {
                    ports.insert(p.to_string(), EmptyObject {});
                }
                format!(
                    "EXPOSE map[{}]",
                    arg.split_whitespace()
                        .map(|p| format!("{p}:{{}}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
            "volume" => {
                let vols = cc
                    .volumes
                    .get_or_insert(Some(Default::default()))
                    .get_or_insert_with(Default::default);
                for p in arg.split_whitespace() {
                    vols.insert(p.to_string(), EmptyObject {});
                }
                format!("VOLUME [{arg}]")
            }
            "note" => {
                r.notes.push(arg.to_string());
                continue;
            }
            "append" => {
                let (spec, add) = arg.split_once(" | ")?;
                let mut words = spec.split_whitespace();
                let path = words.next()?;
                let attrs: Vec<&str> = words.collect();
                layers_text.push_str(&format!("f {path} = {}\n", attrs.join(" ")));
                appends.push((layer_count, path.to_string(), format!("{add}\n")));
                continue;
            }
            "layer" => {
                layer_count += 1;
                layers_text.push_str("layer\n");
                config
                    .history
                    .push(history(&created, arg.to_string(), false));
                continue;
            }
            _ => {
                layers_text.push_str(line);
                layers_text.push('\n');
                continue;
            }
        };
        config.history.push(history(&created, step, true));
    }
    config.config = Some(cc);
    if created.is_some() {
        config.created = created;
    }
    let parsed = super::parse::parse(name, &layers_text, None)?;
    let mut layers = base_img.layers;
    let below = layers.len();
    layers.extend(parsed.layers);
    for (layer, path, add) in appends {
        let at = below + layer.checked_sub(1)?;
        let old = layers[..at].iter().rev().find_map(|l| {
            l.entries.iter().find_map(|e| match &e.kind {
                EntryKind::File(c) if e.path == path => Some(c.clone()),
                _ => None,
            })
        });
        let entry = layers[at].entries.iter_mut().find(|e| e.path == path)?;
        entry.kind = EntryKind::File(old.unwrap_or_else(Content::empty).appended(add.as_bytes()));
    }
    Some((
        BaseImage {
            reference: reference.to_string(),
            config: normalized(config),
            layers,
        },
        r.notes,
    ))
}

/// The config without the base's `ArgsEscaped` (BuildKit writes it for a shell-form CMD; the catalogue's
/// commands are exec form).
fn normalized(mut c: ImageConfig) -> ImageConfig {
    if let Some(cc) = c.config.as_mut() {
        cc.args_escaped = None;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_values_select_lines() {
        let r = Resolved {
            version: "1.2.3".into(),
            flags: vec!["alpine".into(), "fpm".into()],
            vars: vec![("V".into(), "1.2.3".into())],
            notes: vec![],
        };
        let t = effective(
            "?alpine a {V} ${HOME}\n?!alpine b\n?alpine ?fpm c\n?alpine ?cli d\nenv X={SHA}\njson {\"k\":1}\n",
            &r,
        );
        assert_eq!(t, "a 1.2.3 ${HOME}\nc\njson {\"k\":1}\n");
    }
}
