//! The modelled build tools (src/tools): each run on a model image with the tool's executable put where
//! the official image has it and a small project, checking what it writes (paths from the project's own
//! files and lock files), what it says (`modelled:` notes) and its errors.

use std::sync::Arc;

use strata_image::{Attrs, Content, NodeKind, Overlay, Timestamp};
use strata_sim::base;
use strata_sim::exec::{exec, ExecOutcome, ExecRequest, Identity, Limits, Note};

const NOW: i64 = 1_795_000_000;

struct Box {
    fs: Overlay,
    env: Vec<String>,
}

impl Box {
    /// `image`'s model plus modelled executables at `tools` (real paths of the official images).
    fn new(image: &str, tools: &[&str]) -> Box {
        let img = base::lookup(image).expect("model");
        let tree = img.tree().expect("layers apply");
        let mut b = Box {
            fs: Overlay::new(Arc::new(tree)),
            env: vec![
                "PATH=/usr/local/cargo/bin:/usr/local/go/bin:/go/bin:/opt/gradle/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                "HOME=/root".into(),
            ],
        };
        for t in tools {
            b.file(t, Content::modelled(40_000, 7), 0o755);
        }
        b
    }

    fn file(&mut self, path: &str, c: Content, mode: u32) {
        let t = Timestamp::from_secs(NOW);
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.fs
                .mkdir_all(parent, Attrs::new(0o755, 0, 0, t))
                .unwrap();
        }
        self.fs
            .write(path, c, Attrs::new(mode, 0, 0, t), t)
            .unwrap();
    }

    fn put(&mut self, path: &str, text: &str) {
        self.file(path, Content::from_bytes(text.as_bytes().to_vec()), 0o644);
    }

    fn sh(&mut self, script: &str) -> ExecOutcome {
        let req = ExecRequest {
            argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
            env: self.env.clone(),
            cwd: "/".into(),
            identity: Identity {
                uid: 0,
                gid: 0,
                groups: vec![0],
            },
            stdin: Vec::new(),
            now: Timestamp::from_secs(NOW),
            hostname: "abc123".into(),
            limits: Limits::default(),
            stop: None,
            cache_mounts: Vec::new(),
            loopback_only: false,
        };
        exec(&mut self.fs, &req)
    }

    fn ok(&mut self, script: &str) -> (String, String) {
        let o = self.sh(script);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.exit_code, 0, "{script}: {err} {:?}", o.notes);
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            modelled(&o),
        )
    }

    fn size(&self, path: &str) -> u64 {
        let s = self
            .fs
            .stat(path)
            .unwrap_or_else(|_| panic!("{path} missing"));
        assert!(matches!(s.kind, NodeKind::File(_)), "{path} is not a file");
        s.size()
    }

    fn exists(&self, path: &str) -> bool {
        self.fs.lstat(path).is_ok()
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.fs.read(path).unwrap().bytes()).into_owned()
    }
}

fn modelled(o: &ExecOutcome) -> String {
    o.notes
        .iter()
        .filter_map(|n| match n {
            Note::Modelled { detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const NODE: &[&str] = &[
    "/usr/local/bin/node",
    "/usr/local/bin/npm",
    "/usr/local/bin/yarn",
    "/usr/local/bin/corepack",
];

const LOCK: &str = r#"{"name":"shop","version":"0.3.0","lockfileVersion":3,"packages":{"":{"name":"shop"},
 "node_modules/react":{"version":"18.3.1"},
 "node_modules/vite":{"version":"5.3.1","dev":true},
 "node_modules/@vitejs/plugin-react":{"version":"4.3.1","dev":true}}}"#;

const PKG: &str = r#"{"name":"shop","version":"0.3.0","scripts":{"build":"vite build","test":"jest"},
 "dependencies":{"react":"^18.3.1"},"devDependencies":{"vite":"^5.3.1","@vitejs/plugin-react":"^4.3.1"}}"#;

#[test]
fn npm_ci_installs_the_lock_and_caches_then_vite_builds_dist() {
    let mut b = Box::new("debian:bookworm-slim", NODE);
    b.put("/app/package.json", PKG);
    b.put("/app/package-lock.json", LOCK);
    b.put("/app/index.html", "<div id=root></div>\n");
    let (out, note) = b.ok("cd /app && npm ci");
    assert!(out.contains("added 3 packages"), "{out}");
    assert!(
        note.contains("the 3 packages of package-lock.json into /app/node_modules"),
        "{note}"
    );
    assert!(b
        .text("/app/node_modules/react/package.json")
        .contains("\"version\": \"18.3.1\""));
    assert!(b.size("/app/node_modules/react/index.js") > 1_000);
    assert!(b.exists("/app/node_modules/@vitejs/plugin-react/package.json"));
    assert!(b.exists("/app/node_modules/.bin/vite"));
    assert!(
        b.exists("/root/.npm/_cacache"),
        "npm keeps its cache without a cache mount"
    );
    let (out, note) = b.ok("cd /app && npm run build");
    assert!(out.contains("> shop@0.3.0 build\n> vite build"), "{out}");
    assert!(note.contains("vite build → dist/"), "{note}");
    assert_eq!(b.text("/app/dist/index.html"), "<div id=root></div>\n");
    let assets = b.fs.read_dir("/app/dist/assets").unwrap();
    assert!(
        assets
            .iter()
            .any(|a| a.starts_with("index-") && a.ends_with(".js")),
        "{assets:?}"
    );
    // Same inputs, same output: deterministic.
    let mut again = Box::new("debian:bookworm-slim", NODE);
    again.put("/app/package.json", PKG);
    again.put("/app/package-lock.json", LOCK);
    again.ok("cd /app && npm ci && npm run build");
    assert_eq!(again.fs.read_dir("/app/dist/assets").unwrap(), assets);
    // prune drops the dev packages the lock marks.
    b.ok("cd /app && npm prune --omit=dev && npm cache clean --force");
    assert!(!b.exists("/app/node_modules/vite"));
    assert!(b.exists("/app/node_modules/react"));
    assert!(!b.exists("/root/.npm"));
}

#[test]
fn npm_omit_dev_errors_and_global_installs() {
    let mut b = Box::new("debian:bookworm-slim", NODE);
    b.put("/app/package.json", PKG);
    let o = b.sh("cd /app && npm ci");
    assert_eq!(o.exit_code, 1);
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("can only install with an existing package-lock.json"));
    b.put("/app/package-lock.json", LOCK);
    let (_, note) = b.ok("cd /app && npm ci --omit=dev");
    assert!(note.contains("without dev dependencies"), "{note}");
    assert!(!b.exists("/app/node_modules/vite"));
    let o = b.sh("cd /app && npm run build");
    assert_eq!(o.exit_code, 127, "vite is not installed under --omit=dev");
    let o = b.sh("cd /app && npm run lint");
    assert_eq!(o.exit_code, 1);
    assert!(String::from_utf8_lossy(&o.stderr).contains("Missing script: \"lint\""));
    b.ok("npm install -g pm2@5.4.0");
    assert!(b.exists("/usr/local/lib/node_modules/pm2/package.json"));
    assert_eq!(
        b.fs.stat("/usr/local/bin/pm2").map(|s| s.is_dir()).ok(),
        Some(false)
    );
    // Without a lock, npm install writes one (valid JSON, the versions package.json's ranges allow).
    b.put(
        "/fresh/package.json",
        r#"{"name":"f","version":"1.0.0","dependencies":{"ms":"^2.1.3"}}"#,
    );
    b.ok("cd /fresh && npm install");
    let lock: serde_json::Value =
        serde_json::from_str(&b.text("/fresh/package-lock.json")).unwrap();
    assert_eq!(lock["packages"]["node_modules/ms"]["version"], "2.1.3");
    let o = b.sh("cd /tmp && npm install");
    assert_eq!(o.exit_code, 254, "no package.json");
    // Odd input is an answer, never a panic.
    assert_eq!(b.sh("cd /app && npm run").exit_code, 1);
    b.ok("cd /app && npm install é@1 @scope/x@ --no-save");
    b.put("/bad/package.json", "{not json");
    assert_eq!(b.sh("cd /bad && npm ci").exit_code, 1, "EJSONPARSE");
}

#[test]
fn yarn_and_pnpm_from_their_lock_files() {
    let mut b = Box::new("debian:bookworm-slim", NODE);
    b.put("/web/package.json", r#"{"name":"web","version":"1.0.0","scripts":{"build":"react-scripts build"},"dependencies":{"react":"18.2.0","react-scripts":"5.0.1"}}"#);
    b.put("/web/yarn.lock", "# yarn lockfile v1\n\nreact@18.2.0:\n  version \"18.2.0\"\n\nreact-scripts@5.0.1:\n  version \"5.0.1\"\n");
    b.put("/web/public/index.html", "<html></html>\n");
    let (out, note) = b.ok("cd /web && yarn install --frozen-lockfile && yarn build");
    assert!(out.contains("[4/4] Building fresh packages..."), "{out}");
    assert!(note.contains("2 packages of yarn.lock"), "{note}");
    assert!(b.exists("/usr/local/share/.cache/yarn/v6"));
    assert_eq!(b.text("/web/build/index.html"), "<html></html>\n");
    assert!(b.exists("/web/build/asset-manifest.json"));

    b.env.push("PNPM_HOME=/pnpm".into());
    b.env[0] = format!("PATH=/pnpm:{}", &b.env[0][5..]);
    b.ok("corepack enable");
    assert!(b.exists("/usr/local/bin/pnpm"));
    b.put("/next/package.json", r#"{"name":"n","version":"0.1.0","scripts":{"build":"next build"},"dependencies":{"next":"14.2.4","react":"18.3.1"}}"#);
    b.put("/next/pnpm-lock.yaml", "lockfileVersion: '9.0'\n\npackages:\n\n  next@14.2.4:\n    resolution: {integrity: x}\n\n  react@18.3.1:\n    resolution: {integrity: y}\n\nsnapshots:\n\n  next@14.2.4(react@18.3.1): {}\n");
    b.put(
        "/next/next.config.mjs",
        "const nextConfig = { output: \"standalone\" };\nexport default nextConfig;\n",
    );
    let (out, note) = b.ok("cd /next && pnpm install --frozen-lockfile && pnpm run build");
    assert!(out.contains("+ next 14.2.4"), "{out}");
    assert!(note.contains("cache /pnpm/store/v3"), "{note}");
    assert_eq!(
        b.fs.lstat("/next/node_modules/next")
            .map(|s| matches!(s.kind, NodeKind::Symlink(_)))
            .ok(),
        Some(true)
    );
    assert!(b.exists("/next/node_modules/.pnpm/next@14.2.4/node_modules/next/package.json"));
    assert!(b.exists("/next/.next/standalone/server.js"));
    assert!(b.exists("/next/.next/static"));
    let o = b.sh("cd /web && pnpm install --frozen-lockfile");
    assert_eq!(o.exit_code, 1, "no pnpm-lock.yaml");
}

#[test]
fn go_mod_download_and_static_build() {
    let mut b = Box::new("debian:bookworm-slim", &["/usr/local/go/bin/go"]);
    b.env.push("GOPATH=/go".into());
    b.put("/src/go.mod", "module github.com/acme/orders\n\ngo 1.22\n");
    b.put("/src/go.sum", "github.com/BurntSushi/toml v1.4.0 h1:a=\ngithub.com/BurntSushi/toml v1.4.0/go.mod h1:b=\ngolang.org/x/sys v0.21.0/go.mod h1:c=\n");
    let (_, note) = b.ok("cd /src && go mod download");
    assert!(
        note.contains("1 modules of go.sum into /go/pkg/mod"),
        "{note}"
    );
    assert!(b.exists("/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.4.0.zip"));
    assert!(b.exists("/go/pkg/mod/github.com/!burnt!sushi/toml@v1.4.0/go.mod"));
    assert!(b.exists("/go/pkg/mod/cache/download/golang.org/x/sys/@v/v0.21.0.mod"));
    assert!(!b.exists("/go/pkg/mod/cache/download/golang.org/x/sys/@v/v0.21.0.zip"));
    let (_, note) = b.ok("cd /src && CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/server .");
    assert!(note.contains("binary /out/server"), "{note}");
    assert!(note.contains("statically linked"), "{note}");
    let s = b.size("/out/server");
    assert!((1_000_000..20_000_000).contains(&s), "{s}");
    b.ok("cd /src && go build ./...");
    assert!(!b.exists("/src/orders"), "./... keeps no binary");
    b.ok("cd /src && go build ./cmd/api");
    assert!(b.exists("/src/api"));
    let (out, _) = b.ok("cd /src && go test ./...");
    assert!(out.starts_with("ok  \tgithub.com/acme/orders"));
    let o = b.sh("cd / && go build .");
    assert_eq!(o.exit_code, 1);
}

const POM: &str = "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>3.3.1</version>\n  </parent>\n  <groupId>com.example</groupId>\n  <artifactId>catalog</artifactId>\n  <version>0.0.1-SNAPSHOT</version>\n  <dependencies>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n  </dependencies>\n  <build><plugins><plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>\n</project>\n";

#[test]
fn maven_and_gradle_write_their_jars() {
    let mut b = Box::new(
        "debian:bookworm-slim",
        &["/usr/share/maven/bin/mvn", "/opt/gradle/bin/gradle"],
    );
    b.fs.create(
        "/usr/bin/mvn",
        Attrs::new(0o777, 0, 0, Timestamp::from_secs(NOW)),
        NodeKind::Symlink("/usr/share/maven/bin/mvn".into()),
    )
    .unwrap();
    b.put("/w/pom.xml", POM);
    b.put("/w/src/main/java/com/example/App.java", "class App {}\n");
    let (_, note) = b.ok("cd /w && mvn -B dependency:go-offline");
    assert!(
        note.contains("1 dependencies into /root/.m2/repository"),
        "{note}"
    );
    assert!(b.exists("/root/.m2/repository/org/springframework/boot/spring-boot-starter-web/3.3.1/spring-boot-starter-web-3.3.1.jar"));
    let (out, note) = b.ok("cd /w && mvn -B package -DskipTests");
    assert!(out.contains("BUILD SUCCESS"));
    assert!(
        note.contains("Spring Boot fat jar /w/target/catalog-0.0.1-SNAPSHOT.jar"),
        "{note}"
    );
    assert!(b.size("/w/target/catalog-0.0.1-SNAPSHOT.jar") > 5_000_000);
    assert!(b.exists("/w/target/classes/com/example/App.class"));
    let o = b.sh("cd /tmp && mvn package");
    assert_eq!(o.exit_code, 1);

    b.put("/g/settings.gradle", "rootProject.name = 'catalog'\n");
    b.put("/g/build.gradle", "plugins {\n    id 'java'\n    id 'org.springframework.boot' version '3.3.1'\n}\nversion = '0.0.1-SNAPSHOT'\ndependencies {\n    implementation 'org.springframework.boot:spring-boot-starter-web'\n}\n");
    b.ok("cd /g && gradle bootJar --no-daemon");
    assert!(b.size("/g/build/libs/catalog-0.0.1-SNAPSHOT.jar") > 5_000_000);
    assert!(!b.exists("/g/build/libs/catalog-0.0.1-SNAPSHOT-plain.jar"));
    b.ok("cd /g && gradle build -x test");
    assert!(b.exists("/g/build/libs/catalog-0.0.1-SNAPSHOT-plain.jar"));
    assert!(b.exists("/root/.gradle/caches/modules-2/files-2.1"));
    // ./gradlew is recognised by its name (a script in the context).
    b.file(
        "/g/gradlew",
        Content::from_bytes(
            b"#!/bin/sh\nexec java -jar gradle/wrapper/gradle-wrapper.jar \"$@\"\n".to_vec(),
        ),
        0o755,
    );
    let (_, note) = b.ok("cd /g && ./gradlew jar");
    assert!(note.contains("the wrapper fetched Gradle 8.8"), "{note}");
}

#[test]
fn cargo_dotnet_composer_bundler() {
    let mut b = Box::new(
        "debian:bookworm-slim",
        &[
            "/usr/local/cargo/bin/cargo",
            "/usr/share/dotnet/dotnet",
            "/usr/bin/composer",
            "/usr/local/bin/bundle",
        ],
    );
    b.env.push("CARGO_HOME=/usr/local/cargo".into());
    b.fs.create(
        "/usr/bin/dotnet",
        Attrs::new(0o777, 0, 0, Timestamp::from_secs(NOW)),
        NodeKind::Symlink("../share/dotnet/dotnet".into()),
    )
    .unwrap();
    b.put(
        "/r/Cargo.toml",
        "[package]\nname = \"ledger\"\nversion = \"0.2.0\"\n\n[dependencies]\nserde = \"1\"\n",
    );
    b.put("/r/Cargo.lock", "[[package]]\nname = \"ledger\"\nversion = \"0.2.0\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.203\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n");
    b.ok("cd /r && cargo fetch");
    assert!(b.exists(
        "/usr/local/cargo/registry/cache/index.crates.io-6f17d22bba15001f/serde-1.0.203.crate"
    ));
    let (_, note) = b.ok("cd /r && cargo build --release --target x86_64-unknown-linux-musl");
    assert!(note.contains("statically linked (musl)"), "{note}");
    assert!(b.exists("/r/target/x86_64-unknown-linux-musl/release/ledger"));
    b.ok("cd /r && cargo build --release");
    assert!(b.size("/r/target/release/ledger") > 400_000);
    assert_eq!(b.sh("cd /tmp && cargo build").exit_code, 101);

    b.put("/s/Bookings.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"Swashbuckle.AspNetCore\" Version=\"6.6.2\" />\n  </ItemGroup>\n</Project>\n");
    b.put(
        "/s/Program.cs",
        "var app = WebApplication.Create();\napp.Run();\n",
    );
    b.put("/s/appsettings.json", "{}\n");
    b.ok("cd /s && dotnet restore \"Bookings.csproj\"");
    assert!(b.exists(
        "/root/.nuget/packages/swashbuckle.aspnetcore/6.6.2/swashbuckle.aspnetcore.6.6.2.nupkg"
    ));
    b.ok("cd /s && dotnet publish Bookings.csproj -c Release -o /app/publish /p:UseAppHost=false");
    for f in [
        "Bookings.dll",
        "Bookings.pdb",
        "Bookings.deps.json",
        "Bookings.runtimeconfig.json",
        "appsettings.json",
        "web.config",
        "Swashbuckle.AspNetCore.dll",
    ] {
        assert!(b.exists(&format!("/app/publish/{f}")), "{f}");
    }
    assert!(
        !b.exists("/app/publish/Bookings"),
        "no apphost with UseAppHost=false"
    );
    assert!(b
        .text("/app/publish/Bookings.runtimeconfig.json")
        .contains("Microsoft.AspNetCore.App"));

    b.put(
        "/php/composer.json",
        "{\"require\":{\"laravel/framework\":\"^11.0\"}}\n",
    );
    b.put("/php/composer.lock", r#"{"packages":[{"name":"laravel/framework","version":"v11.9.2"}],"packages-dev":[{"name":"phpunit/phpunit","version":"11.2.1"}]}"#);
    let (_, note) = b.ok("cd /php && composer install --no-dev --optimize-autoloader");
    assert!(
        note.contains("1 packages of composer.lock without packages-dev"),
        "{note}"
    );
    assert!(b.exists("/php/vendor/laravel/framework/composer.json"));
    assert!(!b.exists("/php/vendor/phpunit"));
    assert!(b.exists("/php/vendor/autoload.php"));

    b.env.push("GEM_HOME=/usr/local/bundle".into());
    b.put(
        "/rb/Gemfile",
        "source 'https://rubygems.org'\ngem 'sinatra'\n",
    );
    b.put("/rb/Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.3)\n    sinatra (4.0.0)\n      rack (>= 3.0.0)\n\nPLATFORMS\n  ruby\n");
    let (out, _) = b.ok("cd /rb && bundle install --jobs 4");
    assert!(
        out.contains("1 Gemfile dependencies, 2 gems now installed"),
        "{out}"
    );
    assert!(b.exists("/usr/local/bundle/gems/sinatra-4.0.0"));
    assert!(b.exists("/usr/local/bundle/specifications/rack-3.1.3.gemspec"));
}

#[test]
fn python_venv_and_pip_inside_it() {
    let mut b = Box::new("python:3.12-slim", &[]);
    let (_, note) = b.ok("python -m venv /opt/venv");
    assert!(note.contains("virtual environment /opt/venv"), "{note}");
    assert!(b
        .text("/opt/venv/pyvenv.cfg")
        .contains("home = /usr/local/bin"));
    assert!(b.exists("/opt/venv/bin/pip"));
    assert!(b.exists("/opt/venv/lib/python3.12/site-packages/pip-24.0.dist-info/RECORD"));
    assert_eq!(
        b.fs.lstat("/opt/venv/lib64")
            .map(|s| matches!(s.kind, NodeKind::Symlink(_)))
            .ok(),
        Some(true)
    );
    // The venv's pip by path, by PATH, and its python -m pip all install into the venv.
    b.ok("/opt/venv/bin/pip install --no-cache-dir flask==3.0.3");
    assert!(b.exists("/opt/venv/lib/python3.12/site-packages/flask"));
    assert!(!b.exists("/usr/local/lib/python3.12/site-packages/flask"));
    b.ok("PATH=/opt/venv/bin:$PATH; pip install --no-cache-dir redis");
    assert!(b.exists("/opt/venv/lib/python3.12/site-packages/redis"));
    b.ok("/opt/venv/bin/python -m pip install --no-cache-dir requests");
    assert!(b.exists("/opt/venv/lib/python3.12/site-packages/requests"));
    b.ok(". /opt/venv/bin/activate && test \"$VIRTUAL_ENV\" = /opt/venv");
    // --prefix and --target.
    b.ok("pip install --no-cache-dir --prefix=/install gunicorn");
    assert!(b.exists("/install/lib/python3.12/site-packages/gunicorn"));
    b.ok("pip install --no-cache-dir --target /deps redis");
    assert!(b.exists("/deps/redis"));
}

#[test]
fn pip_cache_takes_bytes_unless_no_cache_dir() {
    let mut b = Box::new("python:3.12-slim", &[]);
    b.put(
        "/app/requirements.txt",
        "# pinned\nflask==3.0.3  # web\nrequests[socks]>=2.31\n\n",
    );
    b.ok("pip install --no-cache-dir -r /app/requirements.txt");
    assert!(!b.exists("/root/.cache/pip"));
    b.ok("pip install redis");
    assert!(b.exists("/root/.cache/pip"));
}

#[test]
fn dotnet_solution_layertools_php_extensions_poetry() {
    let mut b = Box::new(
        "python:3.12-slim",
        &[
            "/usr/share/dotnet/dotnet",
            "/opt/java/openjdk/bin/java",
            "/usr/local/bin/docker-php-ext-install",
            "/usr/local/bin/pecl",
        ],
    );
    b.env[0] = format!(
        "PATH=/usr/share/dotnet:/opt/java/openjdk/bin:{}",
        &b.env[0][5..]
    );
    b.put("/source/Mailer.sln", "Microsoft Visual Studio Solution File, Format Version 12.00\nProject(\"{FAE04EC0}\") = \"Mailer\", \"Mailer\\Mailer.csproj\", \"{5B2C}\"\nEndProject\n");
    b.put("/source/Mailer/Mailer.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Worker\"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup><ItemGroup><PackageReference Include=\"MailKit\" Version=\"4.6.0\" /></ItemGroup></Project>\n");
    b.ok("cd /source && dotnet restore");
    assert!(b.exists("/root/.nuget/packages/mailkit/4.6.0/mailkit.4.6.0.nupkg"));
    b.ok("cd /source/Mailer && dotnet publish -c Release -o /app --no-restore");
    assert!(b.exists("/app/Mailer.dll") && b.exists("/app/Mailer"));

    b.file(
        "/w/target/app-1.0.jar",
        Content::modelled(20_000_000, 1),
        0o644,
    );
    b.put("/w/target/classes/com/A.class", "cafebabe");
    let (_, note) = b.ok("cd /w && java -Djarmode=layertools -jar target/app-1.0.jar extract --destination target/extracted");
    assert!(
        note.contains("the layers of /w/target/app-1.0.jar"),
        "{note}"
    );
    for d in [
        "dependencies",
        "spring-boot-loader",
        "snapshot-dependencies",
        "application",
    ] {
        assert!(
            b.fs.stat(&format!("/w/target/extracted/{d}"))
                .unwrap()
                .is_dir(),
            "{d}"
        );
    }
    assert_eq!(
        b.text("/w/target/extracted/application/BOOT-INF/classes/com/A.class"),
        "cafebabe"
    );
    let o = b.sh("java -version");
    assert!(
        o.not_simulated.is_some(),
        "other java runs stay not simulated"
    );

    b.env.push("PHP_VERSION=8.2.20".into());
    b.ok("docker-php-ext-install -j 4 pdo_mysql opcache && pecl install redis-6.0.2");
    assert!(b.exists("/usr/local/lib/php/extensions/no-debug-non-zts-20220829/pdo_mysql.so"));
    assert_eq!(
        b.text("/usr/local/etc/php/conf.d/docker-php-ext-opcache.ini"),
        "zend_extension=opcache\n"
    );
    assert!(b.exists("/usr/local/lib/php/extensions/no-debug-non-zts-20220829/redis.so"));
    assert!(
        !b.exists("/usr/local/etc/php/conf.d/docker-php-ext-redis.ini"),
        "pecl does not enable"
    );

    b.ok("pip install --no-cache-dir poetry==1.8.3");
    assert!(b.exists("/usr/local/bin/poetry"));
    b.put(
        "/p/pyproject.toml",
        "[tool.poetry]\nname = \"billing\"\nversion = \"0.1.0\"\n",
    );
    b.put("/p/poetry.lock", "[[package]]\nname = \"redis\"\nversion = \"5.2.0\"\n\n[[package]]\nname = \"flask\"\nversion = \"3.1.0\"\n\n[metadata]\nlock-version = \"2.0\"\n");
    b.ok("cd /p && poetry export -f requirements.txt --output requirements.txt --without-hashes");
    assert_eq!(
        b.text("/p/requirements.txt"),
        "redis==5.2.0 ; python_version >= \"3.12\"\nflask==3.1.0 ; python_version >= \"3.12\"\n"
    );
    b.ok("cd /p && poetry install --no-root --no-interaction");
    assert!(b.exists("/usr/local/lib/python3.12/site-packages/flask"));
}

#[test]
fn apache_helpers_and_ca_certificates() {
    let mut b = Box::new(
        "debian:bookworm-slim",
        &[
            "/usr/sbin/a2enmod",
            "/usr/sbin/a2dismod",
            "/usr/sbin/update-ca-certificates",
        ],
    );
    b.put(
        "/etc/apache2/mods-available/rewrite.load",
        "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n",
    );
    let (out, _) = b.ok("a2enmod rewrite");
    assert!(out.starts_with("Enabling module rewrite."), "{out}");
    assert_eq!(
        b.fs.lstat("/etc/apache2/mods-enabled/rewrite.load")
            .map(|s| s.kind)
            .ok(),
        Some(NodeKind::Symlink("../mods-available/rewrite.load".into()))
    );
    assert_eq!(b.sh("a2enmod nosuch").exit_code, 1);
    b.ok("a2dismod rewrite");
    assert!(!b.exists("/etc/apache2/mods-enabled/rewrite.load"));
    b.put(
        "/usr/local/share/ca-certificates/corp.crt",
        "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
    );
    let (out, _) = b.ok("update-ca-certificates");
    assert!(out.contains("1 added, 0 removed"), "{out}");
    assert!(b
        .text("/etc/ssl/certs/ca-certificates.crt")
        .ends_with("-----END CERTIFICATE-----\n"));
    assert!(b.exists("/etc/ssl/certs/corp.pem"));
}

#[test]
fn django_collectstatic_needs_django_and_static_root() {
    let mut b = Box::new("python:3.12-slim", &[]);
    b.put(
        "/app/manage.py",
        "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
    );
    b.put("/app/mysite/settings.py", "INSTALLED_APPS = [\"django.contrib.admin\", \"django.contrib.staticfiles\"]\nSTATIC_ROOT = BASE_DIR / \"staticfiles\"\n");
    b.put("/app/shop/static/shop/site.css", "body{}\n");
    let o = b.sh("cd /app && python manage.py collectstatic --noinput");
    assert_eq!(o.exit_code, 1, "django is not installed yet");
    b.ok("pip install --no-cache-dir django");
    let (out, _) = b.ok("cd /app && python manage.py collectstatic --noinput");
    assert!(
        out.contains("static files copied to '/app/staticfiles'"),
        "{out}"
    );
    assert_eq!(b.text("/app/staticfiles/shop/site.css"), "body{}\n");
    assert!(b.exists("/app/staticfiles/admin/css/base.css"));
    let o = b.sh("cd /app && python manage.py migrate");
    assert!(
        o.not_simulated.is_some(),
        "other manage.py commands are not modelled"
    );
}

/// With `RUN --mount=type=cache,target=/root/.cache/pip`, the wheels go to the cache mount and stay out of
/// the layer, and pip's note says so (not that they stay in the image's cache).
#[test]
fn pip_with_a_cache_mount_says_the_wheels_went_to_the_mount() {
    use strata_build::engine::BuildRequest;
    use strata_build::{build, Cache};
    use strata_sim::backend::{SimBackend, SimStore};
    let mut ctx = strata_image::Tree::new();
    ctx.insert(
        "/requirements.txt",
        Attrs::new(0o644, 0, 0, Timestamp::from_secs(NOW)),
        NodeKind::File(Content::from(b"flask==3.0.3\n".to_vec())),
    )
    .expect("context file");
    let run = |df: &str| {
        let req = BuildRequest::new(df, &ctx, Timestamp::from_secs(NOW));
        let out = build(
            &req,
            &mut SimBackend::default(),
            &SimStore::new(),
            &mut Cache::new(),
        )
        .expect("builds");
        let step = out.steps.last().expect("steps").clone();
        let layer = out.image.layers[step.layer.expect("RUN has a layer")]
            .changeset
            .clone();
        let note = step
            .notes
            .iter()
            .find(|n| n.starts_with("modelled: pip install"))
            .cloned()
            .unwrap_or_else(|| panic!("{:?}", step.notes));
        (note, layer)
    };
    let (note, layer) = run("FROM python:3.12-slim\nCOPY requirements.txt .\n\
         RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n");
    assert!(
        note.contains(
            "MB of downloaded wheels went to /root/.cache/pip, in the cache mount at /root/.cache/pip: \
             kept for the next build, out of the layer"
        ),
        "{note}"
    );
    assert!(!note.contains("stay in"), "{note}");
    assert!(
        !layer.entries.iter().any(|e| e
            .path
            .trim_start_matches('/')
            .starts_with("root/.cache/pip/")),
        "the cache stays out of the layer"
    );
    // A mount of the whole cache directory counts too; without a mount the wheels stay in the layer.
    let (note, _) = run("FROM python:3.12-slim\nCOPY requirements.txt .\n\
         RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n");
    assert!(
        note.contains("in the cache mount at /root/.cache:"),
        "{note}"
    );
    let (note, layer) = run(
        "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
    );
    assert!(
        note.contains("MB of downloaded wheels stay in /root/.cache/pip (use --no-cache-dir)"),
        "{note}"
    );
    assert!(layer.entries.iter().any(|e| e
        .path
        .trim_start_matches('/')
        .starts_with("root/.cache/pip/")));
}
