//! The image catalogue against the real images: each `tests/catalogue/configs/*.json` (a published image's
//! config, with the Dockerfile it was taken from) must equal the model's config entry by entry; and every
//! repository's common tags resolve, with sizes close to the real images'.

use std::collections::BTreeSet;

use serde_json::Value;
use strata_sim::base;

fn facts_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/catalogue/configs")
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or_default().to_string())
            .collect()
    })
}

#[test]
fn models_have_the_real_images_configs() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(facts_dir())
        .expect("tests/catalogue/configs")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let reference = doc["reference"].as_str().unwrap();
        assert!(
            doc["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{}: no source",
            path.display()
        );
        let want = &doc["config"];
        let (img, _note) = base::lookup_or_substitute(reference)
            .unwrap_or_else(|| panic!("{reference}: no model"));
        let c = img.config.config.clone().unwrap_or_default();
        let mut diff = |key: &str, model: String, real: String| {
            if model != real {
                failures.push(format!(
                    "{reference} {key}:\n  model {model}\n  real  {real}"
                ));
            }
        };
        diff(
            "Env",
            format!("{:?}", c.env.flatten().unwrap_or_default()),
            format!("{:?}", strings(want.get("Env")).unwrap_or_default()),
        );
        diff(
            "Entrypoint",
            format!("{:?}", c.entrypoint.flatten()),
            format!("{:?}", strings(want.get("Entrypoint"))),
        );
        diff(
            "Cmd",
            format!("{:?}", c.cmd.flatten()),
            format!("{:?}", strings(want.get("Cmd"))),
        );
        diff(
            "WorkingDir",
            format!("{:?}", c.working_dir.filter(|w| !w.is_empty())),
            format!("{:?}", want.get("WorkingDir").and_then(Value::as_str)),
        );
        diff(
            "User",
            format!("{:?}", c.user.filter(|u| !u.is_empty())),
            format!("{:?}", want.get("User").and_then(Value::as_str)),
        );
        diff(
            "StopSignal",
            format!("{:?}", c.stop_signal),
            format!("{:?}", want.get("StopSignal").and_then(Value::as_str)),
        );
        let keys = |m: Option<Option<std::collections::BTreeMap<String, _>>>| -> BTreeSet<String> {
            m.flatten()
                .map(|m| m.into_keys().collect())
                .unwrap_or_default()
        };
        let want_set = |k: &str| -> BTreeSet<String> {
            strings(want.get(k))
                .unwrap_or_default()
                .into_iter()
                .collect()
        };
        diff(
            "ExposedPorts",
            format!("{:?}", keys(c.exposed_ports)),
            format!("{:?}", want_set("ExposedPorts")),
        );
        diff(
            "Volumes",
            format!("{:?}", keys(c.volumes)),
            format!("{:?}", want_set("Volumes")),
        );
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 13, "{checked} facts");
}

/// The common tags of every repository, their content size and the real image's uncompressed size (MB,
/// amd64, about what `docker images` shows for it: recalled figures, not measured here), within a third
/// either way.
const SIZES: &[(&str, f64)] = &[
    ("node:20", 1100.0),
    ("node:20-slim", 200.0),
    ("node:20-alpine", 135.0),
    ("python:3.12", 1020.0),
    ("python:3.10-alpine", 50.0),
    ("python:3.11-slim-bookworm", 130.0),
    ("golang:1.22", 814.0),
    ("golang:1.22-alpine", 250.0),
    ("eclipse-temurin:21-jdk-jammy", 455.0),
    ("eclipse-temurin:17-jre-alpine", 150.0),
    ("maven:3.9-eclipse-temurin-17", 500.0),
    ("gradle:8.8-jdk17", 700.0),
    ("nginx:1.27", 192.0),
    ("nginx:stable-alpine", 48.0),
    ("httpd:2.4", 148.0),
    ("httpd:2.4-alpine", 60.0),
    ("php:8.2-apache", 510.0),
    ("php:8.2-fpm", 495.0),
    ("php:8.3-fpm-alpine", 95.0),
    ("composer:2", 200.0),
    ("ruby:3.3-slim", 220.0),
    ("ruby:3.2-alpine", 80.0),
    ("rust:1.79", 1460.0),
    ("rust:1.79-slim-bookworm", 760.0),
    ("rust:1.79-alpine", 800.0),
    ("mcr.microsoft.com/dotnet/sdk:8.0", 870.0),
    ("mcr.microsoft.com/dotnet/aspnet:8.0", 217.0),
    ("mcr.microsoft.com/dotnet/runtime:8.0", 193.0),
    ("postgres:16", 435.0),
    ("postgres:16-alpine", 245.0),
    ("mysql:8.0", 580.0),
    ("redis:7", 117.0),
    ("redis:7-alpine", 41.0),
    ("mongo:7", 750.0),
    ("tomcat:10.1-jdk17-temurin", 470.0),
    ("tomcat:9-jre11", 290.0),
    ("gcr.io/distroless/static-debian12", 2.0),
    ("gcr.io/distroless/base-debian12", 20.7),
    ("gcr.io/distroless/cc-debian12:nonroot", 23.5),
    ("gcr.io/distroless/nodejs20-debian12", 130.0),
    ("gcr.io/distroless/java17-debian12", 226.0),
    ("gcr.io/distroless/python3-debian12", 53.0),
];

#[test]
fn every_model_has_an_honest_size() {
    let mut out = String::new();
    let mut wrong = Vec::new();
    for &(reference, real_mb) in SIZES {
        let (img, _) = base::lookup_or_substitute(reference)
            .unwrap_or_else(|| panic!("{reference}: no model"));
        let mb = img.content_size() as f64 / 1e6;
        out.push_str(&format!(
            "{reference:45} {mb:7.1} MB (real {real_mb:6.0} MB), {} layers\n",
            img.layers.len()
        ));
        if mb < real_mb * 0.66 || mb > real_mb * 1.33 {
            wrong.push(format!(
                "{reference}: {mb:.1} MB, the real image {real_mb} MB"
            ));
        }
    }
    println!("{out}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_tools_are_where_real_projects_call_them() {
    let cases: &[(&str, &[&str])] = &[
        (
            "node:20-alpine",
            &[
                "/usr/local/bin/node",
                "/usr/local/bin/npm",
                "/usr/local/bin/npx",
                "/usr/local/bin/yarn",
                "/usr/local/bin/corepack",
            ],
        ),
        ("golang:1.22", &["/usr/local/go/bin/go"]),
        (
            "rust:1.79",
            &[
                "/usr/local/cargo/bin/cargo",
                "/usr/local/cargo/bin/rustc",
                "/usr/local/cargo/bin/rustup",
            ],
        ),
        (
            "maven:3.9-eclipse-temurin-17",
            &[
                "/usr/share/maven/bin/mvn",
                "/usr/bin/mvn",
                "/opt/java/openjdk/bin/java",
            ],
        ),
        (
            "gradle:8.8-jdk17",
            &["/opt/gradle/bin/gradle", "/usr/bin/gradle"],
        ),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            &["/usr/share/dotnet/dotnet", "/usr/bin/dotnet"],
        ),
        (
            "php:8.2-apache",
            &[
                "/usr/local/bin/php",
                "/usr/local/bin/docker-php-ext-install",
            ],
        ),
        (
            "ruby:3.3-slim",
            &[
                "/usr/local/bin/ruby",
                "/usr/local/bin/gem",
                "/usr/local/bin/bundle",
                "/usr/local/bin/bundler",
            ],
        ),
        ("composer:2", &["/usr/bin/composer", "/usr/local/bin/php"]),
        (
            "python:3.10-alpine",
            &["/usr/local/bin/python3", "/usr/local/bin/pip", "/sbin/apk"],
        ),
        (
            "tomcat:10.1-jdk17-temurin",
            &[
                "/usr/local/tomcat/bin/catalina.sh",
                "/usr/local/tomcat/webapps",
                "/usr/local/tomcat/webapps.dist/ROOT/index.jsp",
                "/opt/java/openjdk/bin/javac",
            ],
        ),
        ("gcr.io/distroless/nodejs20-debian12", &["/nodejs/bin/node"]),
        (
            "gcr.io/distroless/java17-debian12",
            &[
                "/usr/bin/java",
                "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules",
            ],
        ),
        (
            "gcr.io/distroless/python3-debian12",
            &["/usr/bin/python3.11", "/usr/bin/python3"],
        ),
        (
            "nginx:1.27",
            &[
                "/docker-entrypoint.sh",
                "/docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/usr/sbin/nginx",
            ],
        ),
    ];
    for (reference, paths) in cases {
        let (img, _) = base::lookup_or_substitute(reference).unwrap();
        let tree = img.tree().unwrap();
        for p in *paths {
            assert!(tree.stat(p).is_ok(), "{reference}: {p} missing");
        }
    }
    // The runtime's version is in its environment and paths.
    let (img, note) = base::lookup_or_substitute("node:20.14.0-alpine3.19").unwrap();
    let env = img.config.config.unwrap().env.flatten().unwrap();
    assert!(env.contains(&"NODE_VERSION=20.14.0".to_string()), "{env:?}");
    assert!(note.is_some_and(|n| n.contains("20.14.0")));
    let tree = base::lookup("python:3.11-slim").unwrap().tree().unwrap();
    assert!(tree.stat("/usr/local/lib/python3.11/os.py").is_ok());
    // Users the images' own instructions expect.
    let tree = base::lookup("node:20").unwrap().tree().unwrap();
    let passwd = tree.read("/etc/passwd").unwrap();
    assert!(String::from_utf8_lossy(&passwd.bytes()).contains("node:x:1000:1000"));
}

#[test]
fn unknown_tags_of_known_images_say_what_stands_in() {
    let (img, note) = base::lookup_or_substitute("node:20.14-bullseye").unwrap();
    let note = note.unwrap();
    assert!(
        note.contains("bullseye") && note.contains("20.19.3"),
        "{note}"
    );
    assert_eq!(img.reference, "node:20.14-bullseye");
    assert!(base::lookup("node:20.14-bullseye").is_none());
    assert!(base::lookup("node:lts").is_some());
    let (_, note) = base::lookup_or_substitute("mysql:8.0").unwrap();
    assert!(note.unwrap().contains("CentOS 7"));
    assert!(base::lookup_or_substitute("nginx:1.27-perl").is_some());
    assert!(base::lookup_or_substitute("openjdk:17-jdk-slim")
        .unwrap()
        .1
        .is_some());
}

#[test]
fn the_catalogue_index_names_each_needed_file() {
    assert_eq!(
        base::catalogue_files_for("node:20"),
        ["node.txt", "buildpack-deps.txt"]
    );
    // Compiled in here (the default feature): nothing is missing.
    assert!(base::missing_catalogue_files("maven:3").is_empty());
    assert!(base::catalogue_repositories()
        .iter()
        .any(|(r, f)| *r == "mcr.microsoft.com/dotnet/sdk" && *f == "dotnet.txt"));
}

/// tomcat's tag words (`-jdk17`, `-jre11`, `-temurin`, `-jammy`) pick the eclipse-temurin base; its
/// entrypoint is cleared; webapps is empty and the logs, temp and work directories are open to all.
#[test]
fn tomcat_tags_pick_their_java() {
    let java = |reference: &str| -> (String, bool, Option<String>) {
        let (img, note) = base::lookup_or_substitute(reference).unwrap();
        let tree = img.tree().unwrap();
        let env = img.config.config.unwrap().env.flatten().unwrap();
        let v = env
            .iter()
            .find_map(|e| e.strip_prefix("JAVA_VERSION="))
            .unwrap()
            .to_string();
        (v, tree.stat("/opt/java/openjdk/bin/javac").is_ok(), note)
    };
    let (v, jdk, note) = java("tomcat:10.1-jdk17-temurin");
    assert!(v.starts_with("jdk-17.") && jdk, "{v}");
    assert!(note.is_none(), "{note:?}");
    let (v, jdk, _) = java("tomcat:9-jre11");
    assert!(v.starts_with("jdk-11.") && !jdk, "{v}");
    let (v, _, _) = java("tomcat:latest");
    assert!(v.starts_with("jdk-21."), "{v}");
    let (img, note) = base::lookup_or_substitute("tomcat:10-jdk21-temurin-jammy").unwrap();
    assert!(note.is_none(), "{note:?}");
    let tree = img.tree().unwrap();
    let release = tree.read("/etc/os-release").unwrap();
    assert!(String::from_utf8_lossy(&release.bytes()).contains("22.04"));
    let env = img.config.config.clone().unwrap().env.flatten().unwrap();
    assert!(
        env.contains(&"TOMCAT_VERSION=10.1.42".to_string()),
        "{env:?}"
    );
    let cc = img.config.config.unwrap();
    assert_eq!(cc.entrypoint.flatten(), None);
    assert!(tree
        .read_dir("/usr/local/tomcat/webapps")
        .unwrap()
        .is_empty());
    assert_eq!(
        tree.stat("/usr/local/tomcat/logs").unwrap().attrs.mode & 0o7777,
        0o1777
    );
}

/// distroless: no shell but in `:debug` (busybox in /busybox), the nonroot user 65532, a tiny static image.
#[test]
fn distroless_has_no_shell_but_in_debug() {
    let tree = |reference: &str| base::lookup(reference).unwrap().tree().unwrap();
    for r in [
        "gcr.io/distroless/static-debian12",
        "gcr.io/distroless/base-debian12:nonroot",
        "gcr.io/distroless/nodejs20-debian12:latest",
    ] {
        let t = tree(r);
        for sh in ["/bin/sh", "/busybox/sh", "/bin/bash"] {
            assert!(t.stat(sh).is_err(), "{r}: {sh}");
        }
        let passwd = t.read("/etc/passwd").unwrap();
        assert!(String::from_utf8_lossy(&passwd.bytes())
            .contains("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin"));
    }
    let t = tree("gcr.io/distroless/base-debian12:debug-nonroot");
    assert!(t.stat("/busybox/sh").is_ok());
    assert!(t.stat("/usr/lib/x86_64-linux-gnu/libc.so.6").is_ok());
    assert!(tree("gcr.io/distroless/static-debian12:debug")
        .stat("/usr/lib/x86_64-linux-gnu/libc.so.6")
        .is_err());
    let c = base::lookup("gcr.io/distroless/static-debian12:nonroot")
        .unwrap()
        .config;
    assert_eq!(c.created.as_deref(), Some("1970-01-01T00:00:00Z"));
    // An unknown tag word says what stands in.
    let (_, note) =
        base::lookup_or_substitute("gcr.io/distroless/static-debian12:nonroot-amd64").unwrap();
    assert!(note.is_some_and(|n| n.contains("amd64")));
}
