//! The Pike VM: runs an [`Nfa`] over a text in one pass, all threads in step, in linear time; the first
//! thread (in the NFA's order of preference) to reach the match wins, which gives the `regex` crate's
//! leftmost-first matches and captures.

use super::nfa::{has, Nfa, State};

/// No position recorded in a slot.
const NONE: usize = usize::MAX;

/// The threads alive at one position: a sparse set of states, each with its capture slots.
#[derive(Debug)]
struct Threads {
    dense: Vec<usize>,
    sparse: Vec<usize>,
    slots: Vec<usize>,
    width: usize,
}

impl Threads {
    fn new(states: usize, width: usize) -> Threads {
        Threads {
            dense: Vec::new(),
            sparse: vec![0; states],
            slots: vec![NONE; states * width],
            width,
        }
    }

    /// Adds `s`; false when it was there.
    fn insert(&mut self, s: usize) -> bool {
        let i = self.sparse[s];
        if i < self.dense.len() && self.dense[i] == s {
            return false;
        }
        self.sparse[s] = self.dense.len();
        self.dense.push(s);
        true
    }

    fn slots_of(&mut self, s: usize) -> &mut [usize] {
        &mut self.slots[s * self.width..(s + 1) * self.width]
    }
}

#[derive(Debug)]
enum Step {
    Explore(usize),
    Restore(usize, usize),
}

/// Adds the states reachable from `start` without reading, at `at`, to `next`, in order of preference,
/// each reading state or match with the slots of the path that reached it.
fn closure(
    nfa: &Nfa,
    stack: &mut Vec<Step>,
    slots: &mut [usize],
    next: &mut Threads,
    hs: &[u8],
    at: usize,
    start: usize,
) {
    stack.push(Step::Explore(start));
    while let Some(step) = stack.pop() {
        let mut s = match step {
            Step::Restore(slot, v) => {
                slots[slot] = v;
                continue;
            }
            Step::Explore(s) => s,
        };
        loop {
            if !next.insert(s) {
                break;
            }
            match &nfa.states[s] {
                State::Bytes(..) | State::Match => {
                    next.slots_of(s).copy_from_slice(slots);
                    break;
                }
                State::Empty(n) => s = *n,
                State::Look(look, n) => {
                    if !look.holds(hs, at) {
                        break;
                    }
                    s = *n;
                }
                State::Union(alts) => {
                    let Some(&first) = alts.first() else { break };
                    stack.extend(alts[1..].iter().rev().map(|&a| Step::Explore(a)));
                    s = first;
                }
                State::UnionRev(alts) => {
                    let Some(&first) = alts.last() else { break };
                    let rest = &alts[..alts.len() - 1];
                    stack.extend(rest.iter().map(|&a| Step::Explore(a)));
                    s = first;
                }
                State::Save(slot, n) => {
                    if let Some(v) = slots.get_mut(*slot) {
                        stack.push(Step::Restore(*slot, *v));
                        *v = at;
                    }
                    s = *n;
                }
            }
        }
    }
}

/// What a search works in, kept between the searches of one expression (a text with many matches would
/// otherwise allocate the thread lists once per match).
#[derive(Debug)]
pub struct Cache {
    curr: Threads,
    next: Threads,
    stack: Vec<Step>,
    scratch: Vec<usize>,
}

impl Cache {
    /// Room for `nfa` with `width` slots per thread.
    pub fn new(nfa: &Nfa, width: usize) -> Cache {
        let n = nfa.states.len();
        Cache {
            curr: Threads::new(n, width),
            next: Threads::new(n, width),
            stack: Vec::new(),
            scratch: vec![NONE; width],
        }
    }

    /// The slots per thread it has room for.
    pub fn width(&self) -> usize {
        self.scratch.len()
    }
}

/// The leftmost-first match of `nfa` in `hs` starting at or after `start` (assertions see all of `hs`):
/// the first `cache.width()` slots (2 for the match alone, two per group for captures), `NONE` where a group
/// did not take part.
pub fn search(nfa: &Nfa, cache: &mut Cache, hs: &[u8], start: usize) -> Option<Vec<usize>> {
    let Cache {
        curr,
        next,
        stack,
        scratch,
    } = cache;
    curr.dense.clear();
    next.dense.clear();
    let mut found: Option<Vec<usize>> = None;
    let mut at = start;
    while at <= hs.len() {
        if curr.dense.is_empty() && found.is_some() {
            break;
        }
        if found.is_none() {
            scratch.fill(NONE);
            closure(nfa, stack, scratch, curr, hs, at, 0);
        }
        for i in 0..curr.dense.len() {
            let s = curr.dense[i];
            match &nfa.states[s] {
                State::Bytes(set, to) if hs.get(at).is_some_and(|&b| has(set, b)) => {
                    scratch.copy_from_slice(curr.slots_of(s));
                    closure(nfa, stack, scratch, next, hs, at + 1, *to);
                }
                State::Match => {
                    found = Some(curr.slots_of(s).to_vec());
                    break;
                }
                _ => {}
            }
        }
        std::mem::swap(curr, next);
        next.dense.clear();
        at += 1;
    }
    found
}
