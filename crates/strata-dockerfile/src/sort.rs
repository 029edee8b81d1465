//! The one stable sort of this crate: `strata_image::sort`'s twin (this crate cannot depend on strata-image).
//!
//! Each `sort_by` call site with its own closure compiles its own 2–8 KB copy of the standard library's
//! driftsort into the playground's wasm. Here the standard sort runs once, over positions compared through a
//! `&mut dyn`, in the same shape as `strata_image::sort::sort_positions`, so the optimizer can fold the two
//! crates' copies into one; the elements then move into that order in place.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
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

/// The one place this crate instantiates the standard sort: positions, compared through `cmp`.
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
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut items = Vec::new();
        for i in 0..500u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            items.push(((x % 23) as u8, i));
        }
        for n in [0, 1, 2, 3, 7, 64, 500] {
            let mut ours = items[..n].to_vec();
            let mut std = ours.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "n = {n}");
        }
    }
}
