//! The images a build will ask its image source for, found before it runs: the bases of the stages the
//! target needs (meta args expanded, as the build expands them), and the images `COPY --from` and
//! `RUN --mount from=` name. The playground fetches the catalogue files these need before it builds.

use strata_dockerfile::instructions::{self, Command};
use strata_dockerfile::shell::Lexer;

use super::stages::{meta_args, needed_stages, resolve_bases, target_stage, Base};

/// The image references `dockerfile` builds on, with `build_args` and `target` as a build would take them,
/// each once, in file order. A Dockerfile the build would refuse gives what could be found.
pub fn base_images(
    dockerfile: &str,
    build_args: &[(String, String)],
    target: Option<&str>,
) -> Vec<String> {
    let parsed = strata_dockerfile::parse(dockerfile);
    let lexer = Lexer::new(parsed.ast.escape);
    let lowered = instructions::lower(&parsed.ast);
    let Ok(meta) = meta_args(&lexer, build_args, &lowered.meta_args) else {
        return Vec::new();
    };
    let Ok(target) = target_stage(&lowered, target) else {
        return Vec::new();
    };
    let bases = resolve_bases(&lexer, &lowered, &meta);
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !name.is_empty()
            && !name.eq_ignore_ascii_case("scratch")
            && !name.contains('$')
            && name.parse::<usize>().is_err()
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_owned());
        }
    };
    for i in needed_stages(&lowered, &bases, target) {
        if let Some(Ok(Base::Image(name))) = bases.get(i) {
            add(name);
        }
        for c in &lowered.stages[i].commands {
            match c {
                Command::Copy(c) if c.from_stage.is_none() => {
                    if let Some(w) = &c.from {
                        add(&w.text);
                    }
                }
                Command::Run(r) => {
                    for m in r.mounts.iter().filter(|m| m.from_stage.is_none()) {
                        if let Some(f) = m.from() {
                            add(f);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_images_of_the_needed_stages_only() {
        let df = "ARG GO=1.22\nFROM golang:${GO}-alpine AS build\nRUN --mount=type=bind,from=node:20,target=/n true\n\
                  FROM nginx AS unused\nFROM scratch\nCOPY --from=build /x /x\nCOPY --from=composer:2 /usr/bin/composer /c\n";
        assert_eq!(
            base_images(df, &[], None),
            ["golang:1.22-alpine", "node:20", "composer:2"]
        );
        let args = [("GO".to_owned(), "1.23".to_owned())];
        assert_eq!(base_images(df, &args, Some("unused")), ["nginx"]);
        assert!(base_images("FROM\n", &[], None).is_empty());
    }
}
