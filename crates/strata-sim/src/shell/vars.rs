//! The variable table, and the order a process's environment comes out in.
//!
//! A process that is not a shell keeps its environment as the runtime passed it (Docker: `PATH`, `HOSTNAME`,
//! the image's `ENV` in order, `HOME`), so `docker run IMAGE env` prints it in that order. busybox `ash`
//! keeps its variables in a hash table of 39 chains (`hashvar`: the first byte times 16 plus every byte of
//! the name) and builds a command's environment by walking the chains in order (`listvars`): its built-in
//! variables (`IFS`, `PATH`, `PS1` …) sit at the head of their chain, in reverse of their declaration
//! order; every other variable is appended to its chain when first set and keeps its place until unset.
//! `export -p` and `set` sort by name instead.

use std::collections::BTreeMap;
use std::ops::Deref;

/// A shell variable.
#[derive(Debug, Clone, Default)]
pub struct Var {
    /// Its value.
    pub value: String,
    /// Exported to commands' environment.
    pub exported: bool,
    /// Readonly.
    pub readonly: bool,
    /// When it was created (its place in its chain); negative for ash's built-in variables.
    pub seq: i64,
}

/// How [`Vars::environ`] orders the exported variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As created: a plain process's environment, in the order it was given.
    Creation,
    /// As busybox ash lists its hash table.
    AshHash,
}

/// ash's built-in variables (`varinit` in busybox 1.35's `ash.c`), in declaration order.
const ASH_VARINIT: &[&str] = &[
    "IFS",
    "MAIL",
    "MAILPATH",
    "PATH",
    "PS1",
    "PS2",
    "PS4",
    "OPTIND",
    "LINENO",
    "FUNCNAME",
    "RANDOM",
    "EPOCHSECONDS",
    "EPOCHREALTIME",
    "HISTFILE",
];

/// Number of ash's hash chains (`VTABSIZE`).
const ASH_CHAINS: u32 = 39;

/// The chain ash keeps variable `name` in.
pub fn ash_chain(name: &str) -> u32 {
    let b = name.as_bytes();
    let mut h = u32::from(b.first().copied().unwrap_or(0)) << 4;
    for &c in b {
        h = h.wrapping_add(u32::from(c));
    }
    h % ASH_CHAINS
}

/// The variables of a process, with their creation order.
#[derive(Debug, Clone)]
pub struct Vars {
    map: BTreeMap<String, Var>,
    next: i64,
    order: Order,
}

impl Deref for Vars {
    type Target = BTreeMap<String, Var>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl Vars {
    /// No variables, listed in `order`.
    pub fn new(order: Order) -> Vars {
        Vars {
            map: BTreeMap::new(),
            next: 1,
            order,
        }
    }

    /// A process environment (`KEY=value` strings, in order), all exported; a later duplicate replaces
    /// the value in place.
    pub fn from_environ<S: AsRef<str>>(env: &[S], order: Order) -> Vars {
        let mut v = Vars::new(order);
        for kv in env {
            let kv = kv.as_ref();
            let (k, val) = kv.split_once('=').unwrap_or((kv, ""));
            let e = v.slot(k);
            e.value = val.to_owned();
            e.exported = true;
        }
        v
    }

    /// How the environment is listed.
    pub fn order(&self) -> Order {
        self.order
    }

    /// Variable `name`, created (empty, unexported) in its place if it does not exist.
    pub fn slot(&mut self, name: &str) -> &mut Var {
        if !self.map.contains_key(name) {
            let seq = match (self.order, ASH_VARINIT.iter().position(|n| *n == name)) {
                // Prepended at start-up: the later declared comes first.
                (Order::AshHash, Some(i)) => -(i as i64) - 1,
                _ => {
                    self.next += 1;
                    self.next
                }
            };
            self.map.insert(
                name.to_owned(),
                Var {
                    seq,
                    ..Var::default()
                },
            );
        }
        self.map.get_mut(name).expect("just inserted")
    }

    /// Puts back a variable saved before a temporary change (`None`: it did not exist).
    pub fn restore(&mut self, name: String, old: Option<Var>) {
        match old {
            Some(v) => {
                self.map.insert(name, v);
            }
            None => {
                self.map.remove(&name);
            }
        }
    }

    /// Removes `name` (unset).
    pub fn remove(&mut self, name: &str) -> Option<Var> {
        self.map.remove(name)
    }

    /// Keeps only the variables `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut Var) -> bool) {
        self.map.retain(keep);
    }

    /// Every variable, mutable.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Var> {
        self.map.values_mut()
    }

    /// The exported variables as the environment of a command started now, in the order the process
    /// passes them.
    pub fn environ(&self) -> Vec<(String, String)> {
        let mut v: Vec<(&String, &Var)> = self.map.iter().filter(|(_, v)| v.exported).collect();
        match self.order {
            Order::Creation => strata_image::sort::sort_by_key(&mut v, |(_, var)| var.seq),
            Order::AshHash => {
                strata_image::sort::sort_by_key(&mut v, |(k, var)| (ash_chain(k), var.seq))
            }
        }
        v.into_iter()
            .map(|(k, var)| (k.clone(), var.value.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `env -i PATH=… HOSTNAME=abc123 ZED=1 ALPHA=2 MID=3 HOME=/root busybox sh -c env`, run with the
    /// reference busybox, printed HOSTNAME SHLVL HOME MID PATH ZED ALPHA PWD.
    #[test]
    fn ash_lists_its_chains_in_order() {
        let mut v = Vars::from_environ(
            &[
                "PATH=/bin",
                "HOSTNAME=abc123",
                "ZED=1",
                "ALPHA=2",
                "MID=3",
                "HOME=/root",
            ],
            Order::AshHash,
        );
        for n in ["SHLVL", "PWD"] {
            v.slot(n).exported = true;
        }
        let names: Vec<String> = v.environ().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            names,
            ["HOSTNAME", "SHLVL", "HOME", "MID", "PATH", "ZED", "ALPHA", "PWD"]
        );
    }

    #[test]
    fn a_plain_process_keeps_its_order() {
        let v = Vars::from_environ(&["B=1", "A=2", "B=3"], Order::Creation);
        assert_eq!(
            v.environ(),
            [("B".into(), "3".into()), ("A".into(), "2".into())]
        );
    }
}
