//! CRC-32 (IEEE 802.3, the checksum of gzip, zip and PNG) behind the API of the crates.io `crc32fast` crate,
//! which the workspace replaces with this crate (`[patch.crates-io]`): `flate2` checks gzip members with it
//! and `bzip2-rs` its blocks with it.
//!
//! Why not crc32fast itself: its slicing-by-16 table is 16 KB of random-looking bytes in the playground's
//! wasm, which gzip cannot shrink. Here the browser's wasm gets one 1 KB table (a byte at a time: the layers
//! a browser checks are small), and native builds slicing-by-8 (8 KB, built at compile time) for the
//! gigabytes a native load or save checks.
//!
//! Pure arithmetic: no I/O, no unsafe, no knowledge of strata.

/// The reflected IEEE polynomial.
const POLY: u32 = 0xEDB8_8320;

/// `TABLES[0]` is the byte-at-a-time table; `TABLES[k][b]` is the CRC of byte `b` followed by `k` zero bytes.
#[cfg(not(target_arch = "wasm32"))]
static TABLES: [[u32; 256]; 8] = tables();

#[cfg(target_arch = "wasm32")]
static TABLE: [u32; 256] = byte_table();

const fn byte_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}

#[cfg(not(target_arch = "wasm32"))]
const fn tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    t[0] = byte_table();
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// Runs the register `c` (not inverted) over `buf`.
#[cfg(target_arch = "wasm32")]
fn update_raw(mut c: u32, buf: &[u8]) -> u32 {
    for &b in buf {
        c = TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    c
}

/// Runs the register `c` (not inverted) over `buf`, eight bytes at a time.
#[cfg(not(target_arch = "wasm32"))]
fn update_raw(mut c: u32, buf: &[u8]) -> u32 {
    let t = &TABLES;
    let mut chunks = buf.chunks_exact(8);
    for ch in &mut chunks {
        let lo = c ^ u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]);
        let hi = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]);
        c = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        c = t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    c
}

/// The CRC-32 of `buf`.
pub fn hash(buf: &[u8]) -> u32 {
    let mut h = Hasher::new();
    h.update(buf);
    h.finalize()
}

/// A running CRC-32: the checksum so far and how many bytes it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hasher {
    /// The CRC of what was hashed so far (as `finalize` gives it).
    state: u32,
    /// How many bytes that was.
    amount: u64,
}

impl Hasher {
    /// A CRC of nothing.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Continues from the CRC `init` of earlier bytes (their count unknown: [`Hasher::combine`] needs it).
    pub fn new_with_initial(init: u32) -> Hasher {
        Hasher::new_with_initial_len(init, 0)
    }

    /// Continues from the CRC `init` of `amount` earlier bytes.
    pub fn new_with_initial_len(init: u32, amount: u64) -> Hasher {
        Hasher {
            state: init,
            amount,
        }
    }

    /// Adds `buf`.
    pub fn update(&mut self, buf: &[u8]) {
        self.state = !update_raw(!self.state, buf);
        self.amount += buf.len() as u64;
    }

    /// The CRC of everything added.
    pub fn finalize(self) -> u32 {
        self.state
    }

    /// Back to a CRC of nothing.
    pub fn reset(&mut self) {
        *self = Hasher::new();
    }

    /// Appends `other`'s bytes, as if they had been added here: the CRC of the concatenation (zlib's
    /// `crc32_combine`, by squaring the matrix of the zero-byte operator over GF(2)).
    pub fn combine(&mut self, other: &Hasher) {
        self.state = combine(self.state, other.state, other.amount);
        self.amount += other.amount;
    }
}

impl core::hash::Hasher for Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }

    fn finish(&self) -> u64 {
        u64::from(self.state)
    }
}

/// `matrix` (32 columns over GF(2)) times `vec`.
fn gf2_times(matrix: &[u32; 32], mut vec: u32) -> u32 {
    let mut sum = 0;
    let mut i = 0;
    while vec != 0 {
        if vec & 1 != 0 {
            sum ^= matrix[i];
        }
        vec >>= 1;
        i += 1;
    }
    sum
}

/// `matrix` squared.
fn gf2_square(matrix: &[u32; 32]) -> [u32; 32] {
    let mut out = [0u32; 32];
    for (n, o) in out.iter_mut().enumerate() {
        *o = gf2_times(matrix, matrix[n]);
    }
    out
}

/// The CRC of A followed by B, from CRC(A), CRC(B) and B's length.
fn combine(mut crc_a: u32, crc_b: u32, mut len_b: u64) -> u32 {
    if len_b == 0 {
        return crc_a;
    }
    // The operator for one zero bit, then squared to two and four zero bits.
    let mut odd = [0u32; 32];
    odd[0] = POLY;
    for (n, o) in odd.iter_mut().enumerate().skip(1) {
        *o = 1 << (n - 1);
    }
    let mut even = gf2_square(&odd);
    odd = gf2_square(&even);
    // Apply len_b zero bytes to crc_a, one bit of len_b per squaring.
    loop {
        even = gf2_square(&odd);
        if len_b & 1 != 0 {
            crc_a = gf2_times(&even, crc_a);
        }
        len_b >>= 1;
        if len_b == 0 {
            break;
        }
        odd = gf2_square(&even);
        if len_b & 1 != 0 {
            crc_a = gf2_times(&odd, crc_a);
        }
        len_b >>= 1;
        if len_b == 0 {
            break;
        }
    }
    crc_a ^ crc_b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check values of the CRC catalogue (CRC-32/ISO-HDLC) and of `gzip`'s trailer.
    #[test]
    fn known_values() {
        assert_eq!(hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(hash(b""), 0);
        assert_eq!(hash(b"a"), 0xE8B7_BE43);
        assert_eq!(
            hash(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    /// The table-driven CRC agrees with the bit-by-bit definition, at every length and alignment.
    #[test]
    fn agrees_with_the_definition() {
        let bitwise = |buf: &[u8]| {
            let mut c = !0u32;
            for &b in buf {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
                }
            }
            !c
        };
        let data: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        for len in 0..80 {
            for start in 0..9 {
                let s = &data[start..start + len];
                assert_eq!(hash(s), bitwise(s), "len {len} start {start}");
            }
        }
        assert_eq!(hash(&data), bitwise(&data));
    }

    #[test]
    fn updates_in_pieces_combine_and_reset() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 + i / 3) as u8).collect();
        let whole = hash(&data);
        let mut h = Hasher::new();
        for piece in data.chunks(37) {
            h.update(piece);
        }
        assert_eq!(h.clone().finalize(), whole);
        for cut in [0, 1, 7, 8, 9, 100, 2500, 4999, 5000] {
            let (a, b) = data.split_at(cut);
            let mut ha = Hasher::new();
            ha.update(a);
            let mut hb = Hasher::new();
            hb.update(b);
            ha.combine(&hb);
            assert_eq!(ha.finalize(), whole, "cut at {cut}");
        }
        let mut r = Hasher::new_with_initial(hash(&data[..10]));
        r.update(&data[10..]);
        assert_eq!(r.finalize(), whole);
        h.reset();
        assert_eq!(h.finalize(), 0);
    }
}
