use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::*;
use crate::lessons::lessons;

fn typical() -> Shared {
    Shared {
        project: (crate::lessons::lesson("cache-order").unwrap().project)(),
        panels: vec!["Build log".to_string(), "Layers".to_string()],
        classic: false,
        bases: Vec::new(),
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn round_trip_with_binary_files() {
    let mut rng = Rng(7);
    let mut s = typical();
    s.project.files.push(ContextFile {
        path: "bin/blob".to_string(),
        data: rng.bytes(3000),
        executable: true,
    });
    s.project.files.push(ContextFile {
        path: "empty".to_string(),
        data: Vec::new(),
        executable: false,
    });
    s.project.files.push(ContextFile {
        path: "latin1.txt".to_string(),
        data: vec![b'c', b'a', b'f', 0xe9, b'\n'],
        executable: false,
    });
    s.classic = true;
    let code = encode(&s);
    assert!(code.starts_with(VERSION));
    assert!(code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(decode(&code), Ok(s.clone()));
    assert_eq!(decode(&format!("#{code}")), Ok(s));
    assert_eq!(decode(&encode(&Shared::default())), Ok(Shared::default()));
}

#[test]
fn every_lesson_round_trips() {
    for l in lessons() {
        let s = Shared {
            project: (l.project)(),
            panels: vec![l.panel.name().to_string()],
            classic: false,
            bases: Vec::new(),
        };
        assert_eq!(decode(&encode(&s)), Ok(s), "{}", l.id);
    }
}

#[test]
fn typical_fragment_is_short() {
    let code = encode(&typical());
    let exec_bit = encode(&Shared {
        project: (crate::lessons::lesson("exec-bit").unwrap().project)(),
        panels: vec!["Run".to_string()],
        classic: false,
        bases: Vec::new(),
    });
    println!(
        "fragment lengths: cache-order {} chars, exec-bit {} chars",
        code.len(),
        exec_bit.len()
    );
    assert!(code.len() < 800, "{}", code.len());
    assert!(exec_bit.len() < 600, "{}", exec_bit.len());
}

#[test]
fn truncations_are_errors_not_panics() {
    let code = encode(&typical());
    for n in 0..code.len() {
        // Every prefix either fails or (by the format's chance) decodes; it never panics.
        let _ = decode(&code[..n]);
    }
    assert!(decode(&code[..code.len() / 2]).is_err());
    assert!(decode("").is_err());
    assert!(decode("#").is_err());
    assert!(decode("1").is_err());
    assert!(decode("2abc").unwrap_err().contains("another version"));
}

#[test]
fn random_input_is_an_error_not_a_panic() {
    let mut rng = Rng(0x5eed);
    for i in 0..2000 {
        let n = (rng.next() % 300) as usize;
        let raw = rng.bytes(n);
        // Raw bytes as text, and as well-formed base64 after the version, so the inflater sees them too.
        let _ = decode(&String::from_utf8_lossy(&raw));
        let code = format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(&raw));
        assert!(decode(&code).is_err(), "case {i}");
        // Valid deflate of random JSON-ish bytes.
        let deflated = miniz_oxide::deflate::compress_to_vec(&raw, 6);
        let code = format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(&deflated));
        let _ = decode(&code);
    }
    // Bit flips in a real fragment.
    let code = encode(&typical()).into_bytes();
    for _ in 0..2000 {
        let mut c = code.clone();
        let i = 1 + (rng.next() as usize) % (c.len() - 1);
        c[i] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            [(rng.next() % 64) as usize];
        let _ = decode(&String::from_utf8_lossy(&c));
    }
}

#[test]
fn wrong_shapes_are_errors() {
    let wrap = |json: &str| {
        format!(
            "{VERSION}{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
        )
    };
    assert!(decode(&wrap("\"x\"")).is_err());
    assert!(decode(&wrap(r#"{"d":1}"#)).is_err());
    assert!(decode(&wrap(r#"{"f":[{"n":"a","b":"***"}]}"#))
        .unwrap_err()
        .contains("file a"));
    assert!(decode(&wrap(r#"{"f":[{"n":"a","t":"x","b":"eA"}]}"#)).is_err());
    let deep = "[".repeat(100_000);
    assert!(decode(&wrap(&deep)).is_err());
    // Unknown keys are ignored, so a newer page's extra fields do not break an older one.
    assert_eq!(
        decode(&wrap(r#"{"d":"FROM busybox\n","z":1}"#)).map(|s| s.project.dockerfile),
        Ok("FROM busybox\n".to_string())
    );
}

#[test]
fn a_deflate_bomb_stops_at_the_limit() {
    // 64 MiB of spaces deflates to some 64 KiB; the decoder stops after MAX_INFLATED bytes.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 64 << 20], 9);
    let code = format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(&bomb));
    let err = decode(&code).unwrap_err();
    assert!(err.contains("more than 4 MiB"), "{err}");
    // Just under the limit is fine as far as size goes (then it is not valid JSON).
    let under = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_INFLATED - 1], 9);
    let err = decode(&format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(&under))).unwrap_err();
    assert!(err.contains("JSON"), "{err}");
    let huge = "A".repeat(MAX_FRAGMENT + 2);
    assert!(decode(&format!("1{huge}"))
        .unwrap_err()
        .contains("too long"));
}
