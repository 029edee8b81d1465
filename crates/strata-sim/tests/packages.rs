//! The modelled package managers on the base image models: files added, databases, caches, exit codes,
//! output and notes.

use std::collections::BTreeMap;
use std::sync::Arc;

use strata_image::{EntryKind, NodeKind, Overlay, Timestamp};
use strata_sim::base;
use strata_sim::exec::{Budget, Identity, Limit, Limits, Note, Proc};
use strata_sim::packages;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    notes: Vec<Note>,
}

struct Box {
    fs: Overlay,
    env: BTreeMap<String, String>,
    identity: Identity,
    stdin: Vec<u8>,
    limits: Limits,
    cwd: String,
}

impl Box {
    fn new(image: &str) -> Box {
        let img = base::lookup(image).expect("model");
        let tree = img.tree().expect("layers apply");
        let mut env = BTreeMap::new();
        env.insert(
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        );
        env.insert("HOME".to_string(), "/root".to_string());
        Box {
            fs: Overlay::new(Arc::new(tree)),
            env,
            identity: Identity::default(),
            stdin: Vec::new(),
            limits: Limits::default(),
            cwd: "/".to_string(),
        }
    }

    fn run(&mut self, cmd: &str) -> Out {
        let argv: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut notes = Vec::new();
        let mut budget = Budget::new(self.limits.clone());
        let mut p = Proc {
            fs: &mut self.fs,
            env: &self.env,
            cwd: &self.cwd,
            identity: &self.identity,
            umask: 0o022,
            now: Timestamp::from_secs(1_763_900_000),
            stdin: &self.stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
            notes: &mut notes,
            budget: &mut budget,
            cache_mounts: &[],
        };
        let code = packages::run(&argv[0], &argv, &mut p);
        Out {
            code,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            notes,
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.fs.stat(path).is_ok()
    }

    fn executable(&self, path: &str) -> bool {
        self.fs
            .stat(path)
            .map(|s| matches!(s.kind, NodeKind::File(_)) && s.attrs.mode & 0o111 == 0o111)
            .unwrap_or(false)
    }

    fn text(&self, path: &str) -> String {
        self.fs
            .read(path)
            .map(|c| String::from_utf8_lossy(&c.bytes()).into_owned())
            .unwrap_or_default()
    }

    fn layer_paths(&self) -> Vec<String> {
        self.fs
            .changeset()
            .entries
            .iter()
            .filter(|e| !matches!(e.kind, EntryKind::Dir))
            .map(|e| e.path.clone())
            .collect()
    }
}

fn modelled(o: &Out) -> String {
    o.notes
        .iter()
        .filter_map(|n| match n {
            Note::Modelled { detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn apt_install_needs_update_first() {
    for image in ["debian:bookworm", "ubuntu:22.04", "debian:bookworm-slim"] {
        let mut b = Box::new(image);
        let o = b.run("apt-get install -y vim");
        assert_eq!(o.code, 100, "{image}");
        assert!(
            o.stderr.contains("E: Unable to locate package vim\n"),
            "{}",
            o.stderr
        );
        assert!(o.stdout.starts_with("Reading package lists...\n"));
        assert!(!b.exists("/usr/bin/vim"));
        assert!(modelled(&o).contains("apt-get update"));
        // Installed packages are known without lists.
        let o = b.run("apt-get install -y bash");
        assert_eq!(o.code, 0);
        assert!(
            o.stdout.contains("bash is already the newest version ("),
            "{}",
            o.stdout
        );
    }
}

#[test]
fn apt_update_then_install_vim() {
    let mut b = Box::new("debian:bookworm");
    let o = b.run("apt-get update");
    assert_eq!(o.code, 0);
    assert!(o
        .stdout
        .contains("Get:1 http://deb.debian.org/debian bookworm InRelease"));
    assert!(o.stdout.ends_with("Reading package lists...\n"));
    assert!(b.exists(
        "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
    ));
    assert!(modelled(&o).contains("/var/lib/apt/lists"));

    let o = b.run("apt-get install -y vim");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o
        .stdout
        .contains("The following NEW packages will be installed:\n"));
    assert!(o
        .stdout
        .contains("Setting up vim (2:9.0.1378-2+deb12u1) ..."));
    assert!(o
        .stdout
        .contains("newly installed, 0 to remove and 0 not upgraded."));
    assert!(o.stderr.contains("debconf: delaying package configuration"));
    assert!(
        b.executable("/usr/bin/vim"),
        "vim resolves to an executable"
    );
    assert!(b.executable("/usr/bin/vim.basic"));
    assert!(b.exists("/usr/share/vim/vim90/defaults.vim"));
    assert!(b
        .text("/var/lib/dpkg/status")
        .contains("Package: vim\nStatus: install ok installed"));
    assert!(b
        .text("/var/lib/dpkg/info/vim.list")
        .contains("/usr/bin/vim.basic\n"));
    let note = modelled(&o);
    assert!(note.contains("vim") && note.contains("files"), "{note}");
    let st = b.fs.stat("/usr/bin/vim.basic").expect("stat");
    assert_eq!((st.attrs.uid, st.attrs.gid), (0, 0));
    assert_eq!(st.attrs.mtime, Timestamp::from_secs(1_763_900_000));

    // Again: already installed.
    let o = b.run("apt-get install -y vim");
    assert_eq!(o.code, 0);
    assert!(o
        .stdout
        .contains("vim is already the newest version (2:9.0.1378-2+deb12u1).\n"));

    // The lists are in the layer until removed in the same step.
    assert!(b
        .layer_paths()
        .iter()
        .any(|p| p.starts_with("/var/lib/apt/lists/")));
    let lists: Vec<String> = b.fs.read_dir("/var/lib/apt/lists").expect("lists");
    for n in lists {
        b.fs.remove_all(&format!("/var/lib/apt/lists/{n}"), Timestamp::default())
            .expect("rm");
    }
    assert!(!b
        .layer_paths()
        .iter()
        .any(|p| p.starts_with("/var/lib/apt/lists/")));
}

#[test]
fn apt_prompts_without_yes_and_honours_no_install_recommends() {
    let mut b = Box::new("debian:bookworm");
    b.run("apt-get update");
    let o = b.run("apt-get install vim");
    assert_eq!(o.code, 1);
    assert!(
        o.stdout
            .ends_with("Do you want to continue? [Y/n] Abort.\n"),
        "{}",
        o.stdout
    );
    assert!(!b.exists("/usr/bin/vim"));

    let o = b.run("apt-get install -y --no-install-recommends curl");
    assert_eq!(o.code, 0);
    assert!(
        o.stdout
            .contains("Recommended packages:\n  ca-certificates"),
        "{}",
        o.stdout
    );
    assert!(b.executable("/usr/bin/curl"));
    assert!(!b.exists("/etc/ssl/certs/ca-certificates.crt"));
    let o = b.run("apt-get install -y wget");
    assert_eq!(o.code, 0);
    assert!(
        b.exists("/etc/ssl/certs/ca-certificates.crt"),
        "recommends installed"
    );
}

#[test]
fn apt_unknown_package_is_a_labelled_placeholder() {
    let mut b = Box::new("ubuntu:22.04");
    b.run("apt-get update");
    let o = b.run("apt-get install -y emacs-nonexistent");
    assert_eq!(o.code, 0);
    assert!(modelled(&o).contains("placeholders: emacs-nonexistent"));
    assert!(b.executable("/usr/bin/emacs-nonexistent"));
}

#[test]
fn ubuntu_tzdata_asks_unless_noninteractive() {
    let mut b = Box::new("ubuntu:22.04");
    b.run("apt-get update");
    let o = b.run("apt-get install -y tzdata");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Geographic area: "));
    assert!(modelled(&o).contains("DEBIAN_FRONTEND=noninteractive"));
    let mut b = Box::new("ubuntu:22.04");
    b.env
        .insert("DEBIAN_FRONTEND".to_string(), "noninteractive".to_string());
    b.run("apt-get update");
    let o = b.run("apt-get install -y tzdata");
    assert!(!o.stdout.contains("Geographic area: "));
    assert!(b.exists("/usr/share/zoneinfo/zone.tab"));
}

#[test]
fn apt_needs_root_and_clean_keeps_lists() {
    let mut b = Box::new("debian:bookworm");
    b.identity = Identity {
        uid: 65534,
        gid: 65534,
        groups: vec![],
    };
    let o = b.run("apt-get update");
    assert_eq!(o.code, 100);
    assert!(o.stderr.contains("Permission denied"));
    b.identity = Identity::default();
    b.run("apt-get update");
    let o = b.run("apt-get clean");
    assert_eq!(o.code, 0);
    assert!(b.fs.read_dir("/var/lib/apt/lists").expect("lists").len() > 3);
    let o = b.run("apt install -y tree");
    assert!(o
        .stderr
        .contains("WARNING: apt does not have a stable CLI interface"));
    assert!(b.executable("/usr/bin/tree"));
    let o = b.run("apt-get remove -y tree");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Removing tree (2.1.0-1) ..."));
    assert!(!b.exists("/usr/bin/tree"));
    assert!(!b.text("/var/lib/dpkg/status").contains("Package: tree\n"));
}

#[test]
fn apt_purge_auto_remove_takes_the_dependencies() {
    let mut b = Box::new("debian:bookworm");
    b.run("apt-get update");
    b.run("apt-get install -y --no-install-recommends gcc curl");
    assert!(b.executable("/usr/lib/gcc/x86_64-linux-gnu/12/cc1"));
    let o = b.run("apt-get purge -y --auto-remove gcc");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("Removing cpp-12 "), "{}", o.stdout);
    assert!(!b.exists("/usr/lib/gcc/x86_64-linux-gnu/12/cc1"));
    assert!(b.executable("/usr/bin/curl"));
    assert!(
        b.exists("/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"),
        "curl's deps stay"
    );
}

#[test]
fn names_that_cannot_be_packages_are_not_found() {
    let mut b = Box::new("debian:bookworm");
    b.run("apt-get update");
    for bad in ["../../etc", "@x"] {
        let o = b.run(&format!("apt-get install -y x {bad}"));
        assert_eq!(o.code, 100, "{bad}");
    }
    assert!(b.executable("/usr/bin/ls"));
    let mut b = Box::new("alpine");
    let o = b.run("apk add ../x");
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("(no such package)"));
    let mut b = Box::new("centos");
    let o = b.run("yum install -y /etc");
    assert_eq!(o.code, 1);
    let mut b = Box::new("python");
    let o = b.run("pip install ~x");
    assert_eq!(o.code, 1);
    assert!(b.exists("/usr/local/bin/python3"));
}

#[test]
fn dpkg_and_rpm_queries_read_the_databases() {
    let mut b = Box::new("debian:bookworm");
    let o = b.run("dpkg -l bash");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("ii  bash "), "{}", o.stdout);
    assert_eq!(b.run("dpkg -s tree").code, 1);
    b.run("apt-get update");
    b.run("apt-get install -y tree");
    let o = b.run("dpkg -L tree");
    assert!(o.stdout.contains("/usr/bin/tree\n"));
    assert!(b.run("dpkg -l lib*").stdout.contains("ii  libc6 "));

    let mut b = Box::new("centos:7");
    assert!(b
        .run("rpm -qa")
        .stdout
        .contains("bash-4.2.46-34.el7.x86_64\n"));
    let o = b.run("rpm -q tree");
    assert_eq!(o.code, 1);
    assert_eq!(o.stdout, "package tree is not installed\n");
    b.run("yum install -y tree");
    assert_eq!(b.run("rpm -q tree").stdout, "tree-1.6.0-10.el7.x86_64\n");
}

#[test]
fn apk_add_with_and_without_cache() {
    let mut b = Box::new("alpine:3.20");
    let o = b.run("apk add --no-cache curl");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with(
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n"
    ));
    assert!(
        o.stdout.contains(") Installing curl (8.11.0-r2)\n"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("OK: "), "{}", o.stdout);
    assert!(b.executable("/usr/bin/curl"));
    assert!(b.fs.read_dir("/var/cache/apk").expect("cache").is_empty());
    assert!(b.text("/etc/apk/world").contains("\ncurl\n"));
    assert!(b
        .text("/lib/apk/db/installed")
        .contains("P:curl\nV:8.11.0-r2\n"));
    assert!(!modelled(&o).contains("stay in"));

    let o = b.run("apk add vim");
    assert_eq!(o.code, 0);
    assert!(b.executable("/usr/bin/vim"));
    assert_eq!(b.fs.read_dir("/var/cache/apk").expect("cache").len(), 2);
    assert!(modelled(&o).contains("/var/cache/apk"));

    // Already there: nothing installed.
    let o = b.run("apk add curl");
    assert!(!o.stdout.contains("Installing"));

    let o = b.run("apk del vim");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Purging vim"));
    assert!(!b.exists("/usr/bin/vim"));
    assert!(!b.text("/etc/apk/world").contains("vim"));
}

#[test]
fn apk_virtual_build_deps_are_removed_with_their_dependencies() {
    let mut b = Box::new("alpine:3.20");
    let o = b.run("apk add --no-cache --virtual .build-deps gcc make");
    assert_eq!(o.code, 0);
    assert!(o
        .stdout
        .contains("Installing .build-deps (20241123.000000)"));
    assert!(b.executable("/usr/bin/gcc"));
    assert!(b.text("/etc/apk/world").contains(".build-deps\n"));
    assert!(!b.text("/etc/apk/world").contains("gcc"));
    let o = b.run("apk add --no-cache curl");
    assert_eq!(o.code, 0);
    let o = b.run("apk del .build-deps");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Purging gcc"), "{}", o.stdout);
    assert!(o.stdout.contains("Purging binutils"), "{}", o.stdout);
    assert!(!b.exists("/usr/bin/gcc"));
    assert!(!b.exists("/usr/bin/make"));
    assert!(b.executable("/usr/bin/curl"), "curl is still wanted");
    assert!(
        b.exists("/lib/ld-musl-x86_64.so.1"),
        "the base system stays"
    );
    assert!(b.text("/lib/apk/db/installed").contains("P:musl\n"));
}

#[test]
fn yum_install_the_mycentos_way() {
    let mut b = Box::new("centos");
    let o = b.run("yum -y install vim");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("Loaded plugins: fastestmirror, ovl\n"));
    assert!(
        o.stdout
            .contains("Installed:\n  vim-enhanced.x86_64 2:7.4.629-8.el7_9\n"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.ends_with("Complete!\n"));
    assert!(b.executable("/usr/bin/vim"));
    assert!(b.exists("/var/cache/yum/x86_64/7/base/gen/primary_db.sqlite"));
    assert!(modelled(&o).contains("yum clean all"));
    let o = b.run("yum -y install net-tools");
    assert_eq!(o.code, 0);
    assert!(b.executable("/usr/sbin/ifconfig"));
    assert!(b.executable("/usr/bin/netstat"));
    let o = b.run("yum install -y vim");
    assert!(
        o.stdout.contains(
            "Package 2:vim-enhanced-7.4.629-8.el7_9.x86_64 already installed and latest version"
        ),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("Nothing to do"));
    // curl is in the base image.
    let o = b.run("yum install -y curl");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Nothing to do"));

    let o = b.run("yum clean all");
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Cleaning repos: base extras updates"));
    assert!(!b.exists("/var/cache/yum/x86_64/7/base/gen/primary_db.sqlite"));
}

#[test]
fn yum_epel_only_and_prompt() {
    let mut b = Box::new("centos:7");
    let o = b.run("yum install -y htop");
    assert_eq!(o.code, 1);
    assert!(o
        .stdout
        .contains("No package htop available.\nError: Nothing to do\n"));
    assert!(modelled(&o).contains("epel-release"));
    let o = b.run("yum install -y epel-release");
    assert_eq!(o.code, 0);
    let o = b.run("yum install -y htop nginx");
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(b.executable("/usr/bin/htop"));
    assert!(b.executable("/usr/sbin/nginx"));
    assert!(b.exists("/var/cache/yum/x86_64/7/epel/gen/primary_db.sqlite"));
    let o = b.run("yum clean all");
    assert!(o
        .stdout
        .contains("Cleaning repos: base epel extras updates"));
    let o = b.run("yum install tree");
    assert_eq!(o.code, 1);
    assert!(o
        .stdout
        .contains("Is this ok [y/d/N]: Exiting on user command"));
    assert!(!b.exists("/usr/bin/tree"));
    b.identity.uid = 1000;
    let o = b.run("yum install -y tree");
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("You need to be root"));
}

#[test]
fn pip_install_flask_and_requirements() {
    let mut b = Box::new("python:3.12-slim");
    let o = b.run("pip install flask");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("Collecting flask\n"));
    assert!(o.stdout.contains("Successfully installed "), "{}", o.stdout);
    assert!(o.stdout.contains("flask-3.1.0"));
    assert!(o.stderr.contains("WARNING: Running pip as the 'root' user"));
    let site = "/usr/local/lib/python3.12/site-packages";
    assert!(b.exists(&format!("{site}/flask/app.py")));
    assert!(b.exists(&format!("{site}/flask/__pycache__/app.cpython-312.pyc")));
    assert!(b.exists(&format!("{site}/flask-3.1.0.dist-info/METADATA")));
    assert!(
        b.exists(&format!("{site}/werkzeug/serving.py")),
        "dependency installed"
    );
    assert!(b.executable("/usr/local/bin/flask"));
    assert!(b.exists("/root/.cache/pip/http-v2"));
    assert!(modelled(&o).contains(".cache/pip"));

    let o = b.run("pip install flask");
    assert!(o.stdout.contains(
        "Requirement already satisfied: flask in /usr/local/lib/python3.12/site-packages (3.1.0)"
    ));

    b.fs.write(
        "/app/requirements.txt",
        "# deps\nrequests==2.32.3\ngunicorn\nnot-a-real-dist>=1\n".into(),
        strata_image::Attrs::new(0o644, 0, 0, Timestamp::default()),
        Timestamp::default(),
    )
    .or_else(|_| {
        b.fs.mkdir_all(
            "/app",
            strata_image::Attrs::new(0o755, 0, 0, Timestamp::default()),
        )?;
        b.fs.write(
            "/app/requirements.txt",
            "# deps\nrequests==2.32.3\ngunicorn\nnot-a-real-dist>=1\n".into(),
            strata_image::Attrs::new(0o644, 0, 0, Timestamp::default()),
            Timestamp::default(),
        )
    })
    .expect("write requirements");
    b.cwd = "/app".to_string();
    let o = b.run("pip install --no-cache-dir --trusted-host pypi.python.org -r requirements.txt");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(b.exists(&format!("{site}/requests/api.py")));
    assert!(b.exists(&format!("{site}/certifi/cacert.pem")));
    assert!(b.executable("/usr/local/bin/gunicorn"));
    assert!(b.exists(&format!("{site}/not_a_real_dist-1.0.0.dist-info/METADATA")));
    assert!(modelled(&o).contains("placeholder dist-info: not-a-real-dist"));
}

#[test]
fn pip_install_a_local_project() {
    let mut b = Box::new("python:3.12-slim");
    let a = strata_image::Attrs::new(0o755, 0, 0, Timestamp::default());
    b.fs.mkdir_all("/src", a.clone()).expect("mkdir");
    b.fs.write(
        "/src/pyproject.toml",
        "[project]\nname = \"hello-app\"\nversion = \"1.2.0\"\n".into(),
        a,
        Timestamp::default(),
    )
    .expect("write");
    b.cwd = "/src".to_string();
    let o = b.run("pip install .");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("Processing /src\n"), "{}", o.stdout);
    assert!(o.stdout.contains("Successfully installed hello-app-1.2.0"));
    assert!(b.exists("/usr/local/lib/python3.12/site-packages/hello_app-1.2.0.dist-info/METADATA"));
}

#[test]
fn pip_upgrades_itself() {
    let mut b = Box::new("python:3.12-slim");
    let o = b.run("pip install --upgrade pip");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("Found existing installation: pip 24.2"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("Successfully installed pip-24.3.1"));
    let site = "/usr/local/lib/python3.12/site-packages";
    assert!(!b.exists(&format!("{site}/pip-24.2.dist-info")));
    assert!(b.exists(&format!("{site}/pip-24.3.1.dist-info/METADATA")));
    assert!(b.exists(&format!("{site}/pip/__init__.py")));
    let o = b.run("pip install pip");
    assert!(o.stdout.contains("Requirement already satisfied: pip in"));
}

#[test]
fn pip_refuses_a_distribution_python() {
    let mut b = Box::new("debian:bookworm");
    b.run("apt-get update");
    let o = b.run("apt-get install -y python3 python3-pip");
    assert_eq!(o.code, 0);
    assert!(b.executable("/usr/bin/python3"));
    assert!(
        b.exists("/usr/bin/gcc"),
        "python3-pip recommends build-essential"
    );
    let o = b.run("pip install flask");
    assert_eq!(o.code, 1);
    assert!(o
        .stderr
        .starts_with("error: externally-managed-environment"));
    let o = b.run("pip install --break-system-packages flask");
    assert_eq!(o.code, 0);
    assert!(b.exists("/usr/local/lib/python3.11/dist-packages/flask/app.py"));
}

#[test]
fn pip_as_a_user_installs_into_home() {
    let mut b = Box::new("python:3.12-slim");
    b.identity = Identity {
        uid: 1000,
        gid: 1000,
        groups: vec![],
    };
    b.env.insert("HOME".to_string(), "/home/app".to_string());
    let o = b.run("pip install redis");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("Defaulting to user installation"));
    let p = "/home/app/.local/lib/python3.12/site-packages/redis/client.py";
    assert_eq!(b.fs.stat(p).map(|s| s.attrs.uid).ok(), Some(1000));
}

#[test]
fn byte_limit_stops_an_install() {
    let mut b = Box::new("debian:bookworm");
    b.run("apt-get update");
    b.limits.max_bytes_written = 1_000_000;
    let o = b.run("apt-get install -y vim");
    assert_eq!(o.code, 137);
    assert!(o.notes.iter().any(|n| matches!(
        n,
        Note::LimitHit {
            limit: Limit::BytesWritten,
            ..
        }
    )));
}

#[test]
fn every_catalogue_package_installs() {
    for (image, cmd) in [
        ("debian:bookworm", "apt-get install -y vim curl wget nginx net-tools tree python3 git make openssl ca-certificates bash tzdata iputils-ping procps less htop jq unzip sudo apache2"),
        ("debian:bookworm", "apt-get install -y build-essential"),
        ("debian:bookworm", "apt-get install -y default-jdk"),
        ("debian:bookworm", "apt-get install -y nodejs npm"),
        ("ubuntu:22.04", "apt-get install -y vim curl tzdata openjdk-17-jdk"),
        ("alpine:3.20", "apk add vim curl wget nginx net-tools tree python3 py3-pip git make openssl ca-certificates bash tzdata iputils procps-ng less htop jq unzip sudo"),
        ("alpine:3.20", "apk add openjdk17 nodejs npm"),
        ("alpine:3.20", "apk add build-base"),
        ("centos:7", "yum install -y vim net-tools tree wget python3 git make openssl iputils less unzip sudo httpd"),
        ("centos:7", "yum install -y java-1.8.0-openjdk gcc gcc-c++"),
        ("python:3.12-slim", "pip install flask requests numpy django gunicorn redis pandas"),
    ] {
        let mut b = Box::new(image);
        if image.starts_with("debian") || image.starts_with("ubuntu") {
            b.run("apt-get update");
        }
        let o = b.run(cmd);
        assert_eq!(o.code, 0, "{image}: {}\n{}", o.stdout, o.stderr);
        let note = modelled(&o);
        assert!(!note.contains("placeholder"), "{image}: {note}");
        eprintln!("{image}: {note}");
    }
}

#[test]
fn the_tutorials_python_2_7_app() {
    let mut b = Box::new("python:2.7-slim");
    let a = strata_image::Attrs::new(0o755, 0, 0, Timestamp::default());
    b.fs.mkdir_all("/app", a.clone()).expect("mkdir");
    b.fs.write(
        "/app/requirements.txt",
        "Flask\nRedis\n".into(),
        a,
        Timestamp::default(),
    )
    .expect("write");
    b.cwd = "/app".to_string();
    let o = b.run("pip install --trusted-host pypi.python.org -r requirements.txt");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(b.exists("/usr/local/lib/python2.7/site-packages/flask/app.py"));
    assert!(b.exists("/usr/local/lib/python2.7/site-packages/redis/client.py"));
}

/// Odd command lines never panic and always answer with an exit status.
#[test]
fn odd_command_lines_do_not_panic() {
    let odd: &[&str] = &[
        "",
        "-",
        "--",
        "-y",
        "install",
        "install -y",
        "install -y ''",
        "install -y ü",
        "install -y a=",
        "install -y =1",
        "install -y -o",
        "install --virtual",
        "add --virtual",
        "add -t",
        "del",
        "del nothing-here",
        "remove -y",
        "purge -y --auto-remove",
        "autoremove -y",
        "clean all",
        "install -r",
        "install -r /nonexistent",
        "install -r /etc",
        "install .",
        "install /",
        "install flask==",
        "install ==1.0",
        "install flask[",
        "uninstall -y",
        "uninstall -y flask",
        "list",
        "freeze",
        "update --no-cache",
        "upgrade",
        "cache clean",
        "info",
        "-qqy install tree",
    ];
    for image in [
        "debian",
        "ubuntu:22.04",
        "alpine",
        "centos",
        "python",
        "busybox",
    ] {
        for mgr in [
            "apt-get", "apt", "apk", "yum", "dnf", "pip", "pip3", "pip3.12",
        ] {
            let mut b = Box::new(image);
            for args in odd {
                let argv: Vec<String> = std::iter::once(mgr.to_string())
                    .chain(
                        args.split(' ')
                            .filter(|a| !a.is_empty())
                            .map(|a| a.trim_matches('\'').to_string()),
                    )
                    .collect();
                let mut stdout = Vec::new();
                let mut stderr = Vec::new();
                let mut notes = Vec::new();
                let mut budget = Budget::new(Limits::default());
                let mut p = Proc {
                    fs: &mut b.fs,
                    env: &b.env,
                    cwd: "/",
                    identity: &b.identity,
                    umask: 0o022,
                    now: Timestamp::from_secs(0),
                    stdin: &[],
                    stdout: &mut stdout,
                    stderr: &mut stderr,
                    notes: &mut notes,
                    budget: &mut budget,
                    cache_mounts: &[],
                };
                let code = packages::run(mgr, &argv, &mut p);
                assert!((0..=255).contains(&code), "{image} {mgr} {args}: {code}");
            }
            // The base system is intact whatever was asked.
            assert!(b.exists("/bin/sh"), "{image} {mgr}");
        }
    }
}

/// `dnf` on fedora:41 (dnf5; answered in yum's format): Fedora 41's packages (`.fc41`), curl already in the
/// image, the cache in /var/cache/libdnf5 until `dnf clean all`, and rpm's sqlite database growing.
#[test]
fn dnf_on_fedora_installs_fedora_packages() {
    let mut b = Box::new("fedora:41");
    let db = "/usr/lib/sysimage/rpm/rpmdb.sqlite";
    let before = b.fs.stat(db).expect("rpmdb").size();
    // curl is in Fedora's base image.
    let o = b.run("dnf install -y curl");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Package \"curl-8.9.1-2.fc41.x86_64\" is already installed."),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("Nothing to do"), "{}", o.stdout);
    let cached = "/var/cache/libdnf5/fedora-d1a5e5a0e4c6c1b5/repodata/primary.xml.zst";
    assert!(b.exists(cached), "the first run fetched the metadata");

    let o = b.run("dnf install -y curl git gcc make python3-pip");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    for p in [
        "/usr/bin/git",
        "/usr/bin/gcc",
        "/usr/bin/make",
        "/usr/bin/pip3",
        "/usr/bin/python3.13",
        "/usr/bin/ld",
        "/usr/bin/perl",
    ] {
        assert!(b.executable(p), "{p}");
    }
    assert!(
        o.stdout.contains("git-core.x86_64 0:2.47.0-1.fc41"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("gcc.x86_64 0:14.2.1-3.fc41"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains(".el7"), "{}", o.stdout);
    assert!(!o.stdout.contains("Loaded plugins"), "{}", o.stdout);
    let m = modelled(&o);
    assert!(m.contains("/usr/lib/sysimage/rpm grew"), "{m}");
    assert!(m.contains("yum's format"), "{m}");
    assert!(!m.contains("CentOS"), "{m}");
    assert!(b.fs.stat(db).expect("rpmdb").size() > before);
    assert!(!b.exists("/var/lib/yum"), "dnf5 keeps no yumdb");
    assert!(b
        .text("/var/log/dnf5.log")
        .contains("Installed: 1:make-4.4.1-8.fc41.x86_64"));
    let cached = "/var/cache/libdnf5/fedora-d1a5e5a0e4c6c1b5/repodata/primary.xml.zst";
    assert!(b.exists(cached));
    let o = b.run("rpm -q git-core");
    assert_eq!(o.stdout, "git-core-2.47.0-1.fc41.x86_64\n");

    let o = b.run("dnf clean all");
    assert_eq!(o.code, 0);
    assert!(!b.exists(cached));
    assert!(modelled(&o).contains("/var/cache/libdnf5"));

    let o = b.run("dnf install -y docker-ce");
    assert_eq!(o.code, 1);
    assert!(modelled(&o).contains("Fedora 41"), "{}", modelled(&o));
}
