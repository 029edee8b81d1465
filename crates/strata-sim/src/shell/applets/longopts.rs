//! GNU-style long options (`--uid 10001`, `--uid=10001`) rewritten to the short options an applet already
//! parses, for the tools whose real versions take both (shadow's `useradd`, Debian's `adduser`).

/// Rewrites each `--name[=value]` found in `table` (`(long, short, takes_value)`) into `-short [value]`;
/// other arguments pass through. A long option not in the table is kept as is (the caller reports it).
pub fn to_short(args: &[String], table: &[(&str, char, bool)]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            out.extend(args[i..].iter().cloned());
            break;
        }
        let Some(long) = a.strip_prefix("--") else {
            out.push(a.clone());
            i += 1;
            continue;
        };
        let (k, inline) = match long.split_once('=') {
            Some((k, v)) => (k, Some(v.to_owned())),
            None => (long, None),
        };
        // An exact name, else an unambiguous prefix (getopt_long: `--home` is `--home-dir`).
        let exact = table.iter().find(|(l, _, _)| *l == k);
        let mut prefixed = table
            .iter()
            .filter(|(l, _, _)| !k.is_empty() && l.starts_with(k));
        let found = exact.or_else(|| match (prefixed.next(), prefixed.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        });
        match found {
            Some((_, s, true)) => {
                out.push(format!("-{s}"));
                match inline {
                    Some(v) => out.push(v),
                    None => {
                        i += 1;
                        if let Some(v) = args.get(i) {
                            out.push(v.clone());
                        }
                    }
                }
            }
            Some((_, s, false)) => out.push(format!("-{s}")),
            None => out.push(a.clone()),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn long_forms_become_short() {
        let t = [("uid", 'u', true), ("create-home", 'm', false)];
        assert_eq!(
            to_short(&v(&["--create-home", "--uid", "7", "--uid=8", "x"]), &t),
            v(&["-m", "-u", "7", "-u", "8", "x"])
        );
        assert_eq!(to_short(&v(&["--what", "x"]), &t), v(&["--what", "x"]));
        assert_eq!(
            to_short(&v(&["--create", "--u", "9"]), &t),
            v(&["-m", "-u", "9"])
        );
        let amb = [
            ("home", 'h', true),
            ("home-dir", 'd', true),
            ("ho-x", 'x', false),
        ];
        assert_eq!(
            to_short(&v(&["--home", "/h", "--ho"]), &amb),
            v(&["-h", "/h", "--ho"])
        );
    }
}
