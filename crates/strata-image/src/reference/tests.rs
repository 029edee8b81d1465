//! Every expectation here is what Docker 20.10 said (`docker tag busybox:mnt REF` then
//! `docker image inspect -f '{{json .RepoTags}}' REF`, and BuildKit's `load metadata for …` line).

use super::*;

const H: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// References docker accepts, with the tag docker records for them (its familiar form).
const VALID: &[(&str, &str)] = &[
    ("busybox", "busybox:latest"),
    ("busybox:1.36", "busybox:1.36"),
    ("library/busybox", "busybox:latest"),
    ("docker.io/busybox", "busybox:latest"),
    ("docker.io/library/busybox:latest", "busybox:latest"),
    ("index.docker.io/library/node:lts", "node:lts"),
    (
        "tiangolo/uvicorn-gunicorn-fastapi:python3.11",
        "tiangolo/uvicorn-gunicorn-fastapi:python3.11",
    ),
    ("gloursdocker/docker", "gloursdocker/docker:latest"),
    (
        "mcr.microsoft.com/dotnet/sdk:6.0",
        "mcr.microsoft.com/dotnet/sdk:6.0",
    ),
    (
        "mcr.microsoft.com/dotnet/aspnet:6.0-alpine",
        "mcr.microsoft.com/dotnet/aspnet:6.0-alpine",
    ),
    ("ghcr.io/o/i", "ghcr.io/o/i:latest"),
    ("ghcr.io/o/i:v1.2.3", "ghcr.io/o/i:v1.2.3"),
    (
        "quay.io/prometheus/node-exporter:v1.5.0",
        "quay.io/prometheus/node-exporter:v1.5.0",
    ),
    ("localhost:5000/x", "localhost:5000/x:latest"),
    ("localhost/x", "localhost/x:latest"),
    ("localhost", "localhost:latest"),
    // No `/`: a name `localhost` with the tag `5000`.
    ("localhost:5000", "localhost:5000"),
    (
        "registry.example.com:5000/team/app/api:1.0-rc.1",
        "registry.example.com:5000/team/app/api:1.0-rc.1",
    ),
    ("Docker.io/x", "Docker.io/x:latest"),
    ("a_b.c/foo", "a_b.c/foo:latest"),
    ("a:1/b", "a:1/b:latest"),
    ("docker.io/library/x/y", "library/x/y:latest"),
    ("a__b", "a__b:latest"),
    ("a---b", "a---b:latest"),
    ("x.y", "x.y:latest"),
    ("node:18-alpine3.17", "node:18-alpine3.17"),
    ("eclipse-temurin:17-jre", "eclipse-temurin:17-jre"),
    ("x:_a", "x:_a"),
    ("x:A.b-C", "x:A.b-C"),
    ("busybox:Latest", "busybox:Latest"),
];

const LOWER: &str = "invalid reference format: repository name must be lowercase";
const FORMAT: &str = "invalid reference format";

/// References docker refuses, with its message.
const INVALID: &[(&str, &str)] = &[
    ("Foo/bar", LOWER),
    ("FOO", LOWER),
    ("localhost:5000/Foo", LOWER),
    ("LocalHost/x", LOWER),
    ("", FORMAT),
    (":x", FORMAT),
    ("x:", FORMAT),
    ("x:-a", FORMAT),
    ("x:.a", FORMAT),
    ("a//b", FORMAT),
    ("a/b/", FORMAT),
    ("a-", FORMAT),
    ("-a.b/c", FORMAT),
    ("a.b-/c", FORMAT),
    ("a___b", FORMAT),
    ("a..b", FORMAT),
    ("a.b:port/c", FORMAT),
    ("a:b:c", FORMAT),
    ("a/b:c/d", FORMAT),
    ("x@", FORMAT),
    ("x@sha256:abc", FORMAT),
    ("ubuntu@", FORMAT),
    ("a b", FORMAT),
    ("café", FORMAT),
    (
        "x:t@MD5:0123456789abcdef0123456789abcdef",
        "invalid checksum digest format",
    ),
    (
        "x@md5:0123456789abcdef0123456789abcdef",
        "unsupported digest algorithm",
    ),
];

#[test]
fn accepted_references_normalise_as_docker_records_them() {
    for (input, tagged) in VALID {
        let r = Reference::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(
            r.clone().with_default_tag().familiar(),
            *tagged,
            "{input:?}"
        );
        assert_eq!(familiar_tagged(input), *tagged, "{input:?}");
    }
    let long_tag = format!("x:{}", "a".repeat(128));
    assert_eq!(familiar_tagged(&long_tag), long_tag);
}

#[test]
fn refused_references_give_dockers_messages() {
    for (input, message) in INVALID {
        match Reference::parse(input) {
            Ok(r) => panic!("{input:?} parsed as {r}"),
            Err(e) => assert_eq!(e.to_string(), *message, "{input:?}"),
        }
    }
    let long_tag = format!("x:{}", "a".repeat(129));
    assert_eq!(
        Reference::parse(&long_tag),
        Err(ReferenceError::InvalidFormat)
    );
    assert_eq!(
        Reference::parse(&format!("x@sha256:{}", H.to_uppercase()))
            .unwrap_err()
            .to_string(),
        "invalid checksum digest format"
    );
    assert_eq!(
        Reference::parse(&format!("x@SHA256:{H}"))
            .unwrap_err()
            .to_string(),
        LOWER
    );
    assert_eq!(
        Reference::parse(&format!("x@sha512:{H}"))
            .unwrap_err()
            .to_string(),
        "invalid checksum digest length"
    );
    assert_eq!(
        Reference::parse(&format!("x@sha256:{H}@sha256:{H}"))
            .unwrap_err()
            .to_string(),
        FORMAT
    );
    assert_eq!(
        Reference::parse(H).unwrap_err().to_string(),
        format!("invalid repository name ({H}), cannot specify 64-byte hexadecimal strings")
    );
}

#[test]
fn parts_and_buildkit_forms() {
    let r = Reference::parse("mcr.microsoft.com/dotnet/sdk:6.0").unwrap();
    assert_eq!(
        (r.registry(), r.repository(), r.tag(), r.digest()),
        ("mcr.microsoft.com", "dotnet/sdk", Some("6.0"), None)
    );
    assert_eq!(r.fully_qualified(), "mcr.microsoft.com/dotnet/sdk:6.0");
    // BuildKit's `load metadata for docker.io/tiangolo/uvicorn-gunicorn-fastapi:python3.11`.
    assert_eq!(
        fully_qualified("tiangolo/uvicorn-gunicorn-fastapi:python3.11"),
        "docker.io/tiangolo/uvicorn-gunicorn-fastapi:python3.11"
    );
    let r = Reference::parse("busybox").unwrap();
    assert_eq!(
        (r.registry(), r.repository(), r.tag()),
        ("docker.io", "library/busybox", None)
    );
    assert_eq!(r.fully_qualified(), "docker.io/library/busybox");
    assert_eq!(
        r.with_default_tag().fully_qualified(),
        "docker.io/library/busybox:latest"
    );
    let r = Reference::parse(&format!("alpine:3.19@sha256:{H}")).unwrap();
    assert_eq!(r.tag(), Some("3.19"));
    assert_eq!(r.digest(), Some(format!("sha256:{H}").as_str()));
    assert_eq!(r.familiar(), format!("alpine:3.19@sha256:{H}"));
    // A digest reference gets no `latest`.
    let r = Reference::parse(&format!("ghcr.io/o/i@sha256:{H}")).unwrap();
    assert_eq!(
        r.with_default_tag().fully_qualified(),
        format!("ghcr.io/o/i@sha256:{H}")
    );
    // A first component with a `.` that is no host name: no registry, as in Docker.
    let r = Reference::parse("a_b.c/foo").unwrap();
    assert_eq!((r.registry(), r.repository()), ("", "a_b.c/foo"));
    assert_eq!(
        Reference::parse(&format!("{}/x", "a".repeat(300))),
        Err(ReferenceError::NameTooLong)
    );
    // Not a reference: given back unchanged by the lenient helpers.
    assert_eq!(familiar_tagged("Bad Ref"), "Bad Ref");
    assert_eq!(fully_qualified("stage name?"), "stage name?");
}
