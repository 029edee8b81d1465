//! Tests of bringing your own base: an archive made by strata's own writer (as `docker save` or an OCI
//! layout, plain or gzip) is loaded into a session, built `FROM`, and its files show in the panels.

use std::io::Write as _;

use crate::bases::{fetched_archive, layout_reference, read_manifest, source_of, Fetched, Source};
use crate::project::{ContextFile, Project};
use crate::session::{ExportFormat, Reply, Request, Session};

/// An image `myapp:1` with `/srv/hello.txt` (on no base), as an archive of `format`.
fn myapp_archive(format: ExportFormat) -> Vec<u8> {
    let mut s = Session::new();
    let project = Project {
        dockerfile:
            "FROM scratch\nCOPY hello.txt /srv/hello.txt\nENV GREETING=hi\nCMD [\"/srv/app\"]\n"
                .to_string(),
        files: vec![ContextFile::text("hello.txt", "hello from my own base\n")],
        run_line: "docker run myapp:1".to_string(),
    };
    let v = s.build(&project, false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    s.export(format, "myapp:1").unwrap().1
}

/// Builds `FROM myapp:1` + a COPY in `s`.
fn build_on_myapp(s: &mut Session) -> crate::build::BuildView {
    let project = Project {
        dockerfile: "FROM myapp:1\nCOPY extra.txt /extra.txt\n".to_string(),
        files: vec![ContextFile::text("extra.txt", "x\n")],
        run_line: String::new(),
    };
    s.build(&project, false, 1000.0)
}

/// Whether `FROM myapp:1` builds on the real image: without it, the simulator builds on an unknown, empty
/// base (the build goes on, without the image's files).
fn knows_myapp(s: &mut Session) -> bool {
    let v = build_on_myapp(s);
    v.merged.iter().any(|m| m.path == "/srv/hello.txt")
}

fn check_built_on_myapp(s: &mut Session) {
    let v = build_on_myapp(s);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert!(
        v.merged.iter().any(|m| m.path == "/srv/hello.txt"),
        "{:?}",
        v.merged
    );
    assert!(v.merged.iter().any(|m| m.path == "/extra.txt"));
    assert!(v
        .layers
        .iter()
        .any(|l| l.entries.iter().any(|e| e.path == "/srv/hello.txt")));
    assert!(v.inspect.contains("GREETING=hi"), "{}", v.inspect);
    let f = s.read("/srv/hello.txt");
    assert_eq!(f.text.as_deref(), Some("hello from my own base\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_uploaded_docker_save_tar_is_a_base_with_its_real_files() {
    let bytes = myapp_archive(ExportFormat::Docker);
    let mut s = Session::new();
    assert!(!knows_myapp(&mut s), "no such image yet");
    s.load_base(&bytes, "myapp.tar", "upload: myapp.tar", "k1")
        .unwrap();
    check_built_on_myapp(&mut s);
    let bases = s.bases();
    assert_eq!(bases.len(), 1);
    assert_eq!(bases[0].reference, "myapp:1");
    assert_eq!(bases[0].from, "upload: myapp.tar");
    assert!(bases[0].size > 0);
    // Removed, the image is gone again.
    s.unload_base("k1");
    assert!(s.bases().is_empty());
    assert!(!knows_myapp(&mut s));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_gzipped_oci_archive_loads_through_the_worker_request() {
    let plain = myapp_archive(ExportFormat::Oci);
    let mut gz = flate_gzip(&plain);
    let mut s = Session::new();
    use base64::Engine as _;
    let (reply, _) = s.handle(Request::LoadBase {
        name: "myapp-oci.tar.gz".to_string(),
        from: "upload: myapp-oci.tar.gz".to_string(),
        key: "k2".to_string(),
        data: base64::engine::general_purpose::STANDARD.encode(&gz),
    });
    match reply {
        Reply::Bases(b) => assert_eq!(b[0].reference, "myapp:1"),
        r => panic!("{r:?}"),
    }
    check_built_on_myapp(&mut s);
    // A corrupt archive is a clear error, not a panic.
    let n = gz.len() / 2;
    gz[n] ^= 0xff;
    let mut t = Session::new();
    assert!(t
        .load_base(&gz, "bad.tar.gz", "upload: bad.tar.gz", "k3")
        .is_err());
    assert!(t
        .load_base(b"not a tar", "x.tar", "upload: x.tar", "k4")
        .is_err());
}

/// A gzip member (stored blocks are enough for the reader).
fn flate_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    let crc = crc32(data);
    out.write_all(&crc.to_le_bytes()).unwrap();
    out.write_all(&(data.len() as u32).to_le_bytes()).unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn fetched_blobs_make_an_archive_the_session_loads() {
    // Take the blobs out of an OCI archive as a registry would serve them.
    let oci = myapp_archive(ExportFormat::Oci);
    let images = strata_image::archive::read_archive(&oci, &crate::bases::LIMITS).unwrap();
    let img = &images[0];
    let manifest_bytes = strata_image::image::to_json(&img.oci_manifest());
    let Fetched::Image(manifest) = read_manifest(&manifest_bytes).unwrap() else {
        panic!("an image manifest")
    };
    let layers = img.layers.iter().map(|l| l.bytes.to_vec()).collect();
    let archive = fetched_archive(
        &manifest,
        img.config.to_vec(),
        layers,
        "127.0.0.1:5000/myapp:1",
    )
    .unwrap();
    let mut s = Session::new();
    s.load_base(
        &archive,
        "",
        "url: http://127.0.0.1:5000/v2/myapp/manifests/1",
        "k5",
    )
    .unwrap();
    assert_eq!(s.bases()[0].reference, "127.0.0.1:5000/myapp:1");
    // A wrong config is refused.
    assert!(fetched_archive(&manifest, b"{}".to_vec(), vec![], "x:1").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn urls_name_a_registry_manifest_or_a_layout() {
    assert_eq!(
        source_of("http://localhost:5000/v2/team/app/manifests/1.2").unwrap(),
        Source::Registry {
            base: "http://localhost:5000/v2/team/app/".to_string(),
            reference: "1.2".to_string(),
            name: "localhost:5000/team/app:1.2".to_string(),
        }
    );
    assert_eq!(
        source_of("https://example.com/images/myapp/index.json").unwrap(),
        Source::Layout("https://example.com/images/myapp/".to_string())
    );
    assert_eq!(
        source_of("https://example.com/images/myapp").unwrap(),
        Source::Layout("https://example.com/images/myapp/".to_string())
    );
    assert!(source_of("ftp://x/y").is_err());
    assert!(source_of("myapp:1").is_err());
    assert_eq!(
        layout_reference("https://h/imgs/myapp/", Some("1")),
        "myapp:1"
    );
    assert_eq!(
        layout_reference("https://h/imgs/myapp/", Some("x/y:2")),
        "x/y:2"
    );
    assert_eq!(
        layout_reference("https://h/imgs/myapp/", None),
        "myapp:latest"
    );
    let index = br#"{"schemaVersion":2,"manifests":[
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":1,"platform":{"architecture":"arm64","os":"linux"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":1,"platform":{"architecture":"amd64","os":"linux"}}]}"#;
    match read_manifest(index).unwrap() {
        Fetched::Next(d) => assert!(d.hex().starts_with("2222")),
        Fetched::Image(_) => panic!("an index"),
    }
    assert!(read_manifest(b"[").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_share_link_records_the_base_and_where_it_came_from() {
    use crate::share::{decode, encode, Shared};
    let s = Shared {
        project: Project {
            dockerfile: "FROM myapp:1\n".to_string(),
            ..Project::default()
        },
        bases: vec![("myapp:1".to_string(), "upload: myapp.tar".to_string())],
        ..Shared::default()
    };
    assert_eq!(decode(&encode(&s)), Ok(s));
    assert_eq!(
        crate::bases::BaseInfo::missing_note("myapp:1", "upload: myapp.tar"),
        "This project uses `myapp:1` uploaded from myapp.tar; it is not loaded here: upload it again under Base images."
    );
    assert!(
        crate::bases::BaseInfo::missing_note("h/x:1", "url: http://h/v2/x/manifests/1")
            .contains("fetched from http://h/v2/x/manifests/1")
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_untagged_image_is_named_after_its_file_and_runs_by_name() {
    let tagged = myapp_archive(ExportFormat::Docker);
    let mut images = strata_image::archive::read_archive(&tagged, &crate::bases::LIMITS).unwrap();
    images[0].tags.clear();
    let untagged = strata_image::archive::write_docker_archive(&images).unwrap();
    let mut s = Session::new();
    s.load_base(
        &untagged,
        "My App.v2.tar.gz",
        "upload: My App.v2.tar.gz",
        "k6",
    )
    .unwrap();
    assert_eq!(s.bases()[0].reference, "my-app:latest");
    // The run panel lists it with the built-in images, and runs it by name.
    let missing = s.run("docker run nosuchimage", 0.0);
    assert!(
        missing
            .notes
            .iter()
            .any(|n| n.contains("my-app:latest (yours)")),
        "{:?}",
        missing.notes
    );
    let ran = s.run("docker run --rm my-app", 0.0);
    assert_eq!(ran.argv, vec!["/srv/app".to_string()], "{ran:?}");
}

/// The oracle's real busybox (`docker save busybox:mnt`, Docker 20.10's layout) as an upload: FROM it, its
/// real files are in the panels. Skipped, saying why, without /usr/bin/docker or the image.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_real_docker_save_of_busybox_is_a_base() {
    let out = std::process::Command::new("/usr/bin/docker")
        .args(["save", "busybox:mnt"])
        .output();
    let bytes = match out {
        Ok(o) if o.status.success() => o.stdout,
        _ => {
            eprintln!(
                "skipped: no /usr/bin/docker with busybox:mnt (run ../shared/oracle/setup.sh)"
            );
            return;
        }
    };
    let mut s = Session::new();
    s.load_base(&bytes, "busybox.tar", "upload: busybox.tar", "k7")
        .unwrap();
    assert_eq!(s.bases()[0].reference, "busybox:mnt");
    let project = Project {
        dockerfile: "FROM busybox:mnt\nCOPY extra.txt /extra.txt\n".to_string(),
        files: vec![ContextFile::text("extra.txt", "x\n")],
        run_line: String::new(),
    };
    let v = s.build(&project, false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    // The real image's files, as `docker save` wrote them: busybox's hard links and its empty /etc files.
    assert!(v.merged.iter().any(|m| m.path == "/bin/busybox"));
    assert!(v.merged.iter().any(|m| m.path == "/etc/hostname"));
    assert!(v.layers[0].entries.iter().any(|e| e.path == "/bin/busybox"));
    let f = s.read("/bin/busybox");
    assert_eq!(f.kind, "file");
    assert!(f.size > 500_000, "{f:?}");
}
