//! `factor [NUMBER]…` (numbers from stdin when none): `N: p1 p2 …`, any u64, by trial division of the small
//! primes and Pollard's rho with a deterministic Miller-Rabin test for the rest.

use super::Io;
use crate::shell::interp::{Ctl, Shell};

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(m)) as u64
}

fn pow_mod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b, m);
        }
        b = mul_mod(b, b, m);
        e >>= 1;
    }
    r
}

/// Deterministic for every u64 (these bases suffice).
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    'next: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'next;
            }
        }
        return false;
    }
    true
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// A non-trivial divisor of the composite odd `n`.
fn rho(n: u64) -> u64 {
    for c in 1u64.. {
        let f = |x: u64| (mul_mod(x, x, n) + c) % n;
        let (mut x, mut y, mut d) = (2u64, 2u64, 1u64);
        while d == 1 {
            x = f(x);
            y = f(f(y));
            d = gcd(x.abs_diff(y), n);
        }
        if d != n {
            return d;
        }
    }
    n
}

fn factors(mut n: u64, out: &mut Vec<u64>) {
    for p in [2u64, 3, 5, 7, 11, 13] {
        while n.is_multiple_of(p) {
            out.push(p);
            n /= p;
        }
    }
    let mut stack = vec![n];
    while let Some(m) = stack.pop() {
        if m == 1 {
            continue;
        }
        if is_prime(m) {
            out.push(m);
            continue;
        }
        let d = rho(m);
        stack.push(d);
        stack.push(m / d);
    }
    strata_image::sort::sort(out);
}

/// `factor`.
pub fn factor(_sh: &mut Shell<'_>, argv: &[String], io: &mut Io) -> Result<i32, Ctl> {
    let words: Vec<String> = if argv.len() > 1 {
        argv[1..].to_vec()
    } else {
        String::from_utf8_lossy(&io.stdin_all())
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    for w in words {
        let Ok(n) = w.trim_start_matches('+').parse::<u64>() else {
            io.usage("Usage: factor [NUMBER]...\n\nPrint prime factors");
            return Ok(1);
        };
        let mut f = Vec::new();
        if n > 1 {
            factors(n, &mut f);
        }
        let mut line = format!("{n}:");
        for p in f {
            line.push_str(&format!(" {p}"));
        }
        line.push('\n');
        io.print(&line);
    }
    Ok(0)
}
