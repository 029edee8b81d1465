//! `strata inspect` (containers, then images, as `docker inspect` looks them up), `image inspect` and
//! `container inspect`: docker's JSON array, or each object through `-f/--format`'s Go template.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};
use strata_image::inspect;
use strata_native::{Containers, Store};

use crate::template::{Missing, Template, Value};

/// `inspect`, `image inspect`, `container inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// Go template for each object (`{{.Id}}`, `{{json .Config}}`, `{{range .RepoTags}}{{.}} {{end}}`).
    #[arg(short, long, value_name = "TEMPLATE")]
    format: Option<String>,
    /// Only this kind of object.
    #[arg(long = "type", value_enum)]
    kind: Option<Kind>,
    /// The objects (container names or IDs, image tags or IDs).
    #[arg(required = true)]
    names: Vec<String>,
}

/// What `inspect` looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Containers only.
    Container,
    /// Images only.
    Image,
}

/// Runs an inspect; `kind` is what the verb is about (`image inspect`), else `--type`, else both.
pub fn run(store: &Store, a: &InspectArgs, kind: Kind) -> Result<ExitCode> {
    run_any(store, a, Some(kind))
}

/// Runs `strata inspect`.
pub fn run_any(store: &Store, a: &InspectArgs, kind: Option<Kind>) -> Result<ExitCode> {
    let kind = kind.or(a.kind);
    let containers = Containers::open(store.root())?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in &a.names {
        let container = match kind {
            Some(Kind::Image) => None,
            _ => containers.find(name).ok(),
        };
        let value = match container {
            Some(c) => Some(crate::container::inspect_json(store, &containers, &c)?),
            None if kind != Some(Kind::Container) => match store.image(name) {
                Ok(img) => Some(image_json(&img)?),
                Err(_) => None,
            },
            None => None,
        };
        match value {
            Some(v) => found.push(v),
            None => missing.push(name),
        }
    }
    let Some(mut code) = print_found(found, a.format.as_deref())? else {
        return Ok(ExitCode::from(1));
    };
    for name in missing {
        let what = match kind {
            Some(Kind::Image) => "image",
            Some(Kind::Container) => "container",
            None => "object",
        };
        eprintln!("Error: No such {what}: {name}");
        code = ExitCode::from(1);
    }
    Ok(code)
}

/// Prints what an inspect found as docker does: one JSON list, or each value through the `--format` template.
/// `None` when the template does not parse (docker then prints nothing more and exits 1); otherwise the exit
/// code so far (1 when a value failed to render).
pub fn print_found(found: Vec<Value>, format: Option<&str>) -> Result<Option<ExitCode>> {
    let mut out = std::io::stdout().lock();
    let mut code = ExitCode::SUCCESS;
    match format {
        None => out.write_all(pretty(&Value::List(found)).as_bytes())?,
        Some(f) => match Template::parse(f, Missing::Map) {
            Ok(t) => {
                for v in &found {
                    match t.render(v) {
                        Ok(s) => writeln!(out, "{s}")?,
                        Err(e) => {
                            eprintln!("template parsing error: {e}");
                            code = ExitCode::from(1);
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("template parsing error: {e}");
                return Ok(None);
            }
        },
    }
    out.flush()?;
    Ok(Some(code))
}

fn image_json(img: &strata_native::StoredImage) -> Result<Value> {
    let item = inspect::inspect(
        &img.config,
        &img.record.id,
        img.record.tags.clone(),
        img.record.size(),
        img.record.last_tag_time.clone(),
    );
    let bytes = inspect::to_json_pretty(&[item]);
    match Value::from_json(&bytes)? {
        Value::List(mut items) if items.len() == 1 => Ok(items.remove(0)),
        _ => anyhow::bail!("the image's inspect JSON is not one object"),
    }
}

/// Values as docker's `inspect` prints them: Go's `json.MarshalIndent` with four spaces, `<>&` escaped,
/// and a final newline.
pub fn pretty(v: &Value) -> String {
    let mut out = String::new();
    write_pretty(v, 0, &mut out);
    out.push('\n');
    out
}

fn write_pretty(v: &Value, depth: usize, out: &mut String) {
    let pad = |d: usize| "    ".repeat(d);
    match v {
        Value::List(l) if !l.is_empty() => {
            out.push_str("[\n");
            for (i, x) in l.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_pretty(x, depth + 1, out);
                out.push_str(if i + 1 < l.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        Value::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                out.push_str(&crate::template::json(&Value::Str(k.clone())));
                out.push_str(": ");
                write_pretty(x, depth + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
        other => out.push_str(&crate::template::json(other)),
    }
}
