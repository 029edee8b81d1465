//! Packs the text data (`data/*.txt`: the base-image models and the package catalogue) into one xz stream,
//! `$OUT_DIR/data.xz`, that `src/data.rs` embeds and unpacks on first use. One xz stream of the files is
//! 39 KB where the same text as plain strings costs the playground's gzipped wasm about 53 KB (gzip sees 32 KB
//! at a time; xz sees all the files at once, and debian and ubuntu share most of their lines), and the xz
//! decoder is in the wasm anyway (ADD unpacks `.tar.xz`).

use std::io::Write;
use std::path::Path;

use xz2::stream::{Check, Filters, LzmaOptions, Stream};

/// liblzma's `-e` flag (xz2 does not name it).
const LZMA_PRESET_EXTREME: u32 = 0x8000_0000;

/// The packed files, in the order `src/data.rs` slices them out again.
const FILES: &[&str] = &[
    "busybox.txt",
    "alpine.txt",
    "debian.txt",
    "ubuntu.txt",
    "centos.txt",
    "fedora.txt",
    "python.txt",
    "python27.txt",
    "packages.txt",
];

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut text = String::new();
    let mut index = String::from("/// Each packed file's name and its end in the unpacked text.\nconst FILES: &[(&str, usize)] = &[\n");
    // Without `embedded-catalogue` (the web playground) only busybox, the first example's base, is packed;
    // the other files are files of the site, fetched when a build first reads one (`src/data.rs`).
    let embedded = std::env::var_os("CARGO_FEATURE_EMBEDDED_CATALOGUE").is_some();
    let packed = if embedded { FILES } else { &FILES[..1] };
    for name in packed {
        let path = data.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        text.push_str(
            &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        );
        index.push_str(&format!("    ({name:?}, {}),\n", text.len()));
    }
    index.push_str("];\n");

    // xz -9e, with a dictionary that holds all of the text (1 MiB, not -9's 64 MiB).
    let mut options = LzmaOptions::new_preset(9 | LZMA_PRESET_EXTREME).expect("xz preset");
    options.dict_size(1 << 20);
    let mut filters = Filters::new();
    filters.lzma2(&options);
    let stream = Stream::new_stream_encoder(&filters, Check::Crc64).expect("xz encoder");
    let mut encoder = xz2::write::XzEncoder::new_stream(Vec::new(), stream);
    encoder.write_all(text.as_bytes()).expect("xz");
    let packed = encoder.finish().expect("xz");

    let out = Path::new(&std::env::var_os("OUT_DIR").expect("OUT_DIR")).to_path_buf();
    std::fs::write(out.join("data.xz"), packed).expect("writing data.xz");
    std::fs::write(out.join("data_files.rs"), index).expect("writing data_files.rs");

    catalogue(&out);
}

/// Writes `$OUT_DIR/catalogue_files.rs`: the image catalogue (`catalogue/*.txt`, without `index.txt`) as
/// `(name, text)` pairs when the `embedded-catalogue` feature is on, an empty list otherwise (the web
/// playground fetches the files at run time and hands them to `base::provide`).
fn catalogue(out: &Path) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut list = String::from(
        "/// The catalogue files compiled in (the `embedded-catalogue` feature).\nconst EMBEDDED: &[(&str, &str)] = &[\n",
    );
    if std::env::var_os("CARGO_FEATURE_EMBEDDED_CATALOGUE").is_some() {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("catalogue/")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".txt") && n != "index.txt")
            .collect();
        names.sort();
        for n in names {
            let path = dir.join(&n);
            println!("cargo:rerun-if-changed={}", path.display());
            list.push_str(&format!(
                "    ({n:?}, include_str!({:?})),\n",
                path.display().to_string()
            ));
        }
    }
    list.push_str("];\n");
    std::fs::write(out.join("catalogue_files.rs"), list).expect("writing catalogue_files.rs");
}
