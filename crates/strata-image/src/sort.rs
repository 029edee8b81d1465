//! Sorting that costs the playground's download one sort, not one per call site.
//!
//! Each `slice::sort_by` / `sort_by_key` call with its own closure or element type compiles its own copy of
//! the standard library's driftsort (and `sort_unstable*` one of ipnsort): 2–8 KB of wasm each. Routing the
//! core crates' and the page's few dozen sorts through here took 15 KB (gzip) off the playground's download. These functions sort a list of positions
//! with the comparator behind a `&mut dyn`, so the standard sort is compiled once for all of them, and then
//! move the elements into that order in place (following the permutation's cycles). They are stable, take
//! O(n log n) comparisons and one `Vec<usize>`; at the sizes the views and the simulator sort (at most tens
//! of thousands of entries) the indirect call costs nothing a user could notice.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        sort_positions(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, &mut order);
}

/// Sorts `v` stably by the key `key` gives, as `v.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in its natural order, as `v.sort()` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one place the standard sort is instantiated: positions, compared through `cmp`.
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Rearranges `v` so that position `i` holds what was at `order[i]`, one cycle of the permutation at a
/// time (each element moves once; `order` is used up).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        if order[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = DONE;
            if from == start || from >= v.len() {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        // Pseudo-random pairs with many equal keys, so stability shows.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut items = Vec::new();
        for i in 0..2000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            items.push(((x % 37) as u8, i));
        }
        for n in [0, 1, 2, 3, 7, 64, 2000] {
            let mut ours = items[..n].to_vec();
            let mut std = ours.clone();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "n = {n}");
            let mut ours = items[..n].to_vec();
            let mut std = ours.clone();
            sort_by(&mut ours, |a, b| b.cmp(a));
            std.sort_by(|a, b| b.cmp(a));
            assert_eq!(ours, std, "reversed, n = {n}");
        }
        let mut words = vec!["b", "a", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
    }
}
