//! Maven (`mvn`, `./mvnw`) and Gradle (`gradle`, `./gradlew`). The project's coordinates come from
//! pom.xml (artifactId, version — the parent's when absent —, packaging) or settings.gradle's
//! `rootProject.name` and build.gradle's `version`; its declared dependencies are fetched into the local
//! repository (`~/.m2/repository`, `-Dmaven.repo.local`; `~/.gradle/caches/modules-2`,
//! `$GRADLE_USER_HOME`), each jar's size standing for it and what it pulls in. `package`/`install`/`verify`
//! (maven) and `build`/`assemble`/`jar`/`bootJar`/`bootWar` (gradle) compile `src/main/java` into classes
//! and write `target/ARTIFACT-VERSION.jar` / `build/libs/NAME-VERSION.jar`: a Spring Boot fat jar when the
//! Spring Boot plugin is there. Tests are modelled as passing unless skipped.

use super::{
    abs, blob, err, home, mb, modelled, out, read, size, text, walk, xml_tag, xml_without,
};
use crate::exec::Proc;
use crate::packages::Res;

struct Dep {
    group: String,
    artifact: String,
    version: String,
}

/// A dependency's jar size: starters stand for the tree they pull in.
fn dep_size(d: &Dep) -> u64 {
    let a = d.artifact.as_str();
    if a.starts_with("spring-boot-starter") {
        size(&[a], 6_000_000, 14_000_000)
    } else if a.contains("postgresql") || a.contains("mysql") {
        1_100_000
    } else {
        size(&[&d.group, a], 40_000, 2_500_000)
    }
}

fn classes(p: &mut Proc<'_>, root: &str, out_dir: &str) -> Res<(usize, u64)> {
    let mut n = 0;
    let mut bytes = 0;
    for f in walk(p, &format!("{root}/src/main/java"), 5_000) {
        if let Some(stem) = f.strip_suffix(".java").or_else(|| f.strip_suffix(".kt")) {
            let src =
                p.fs.stat(&format!("{root}/src/main/java/{f}"))
                    .map(|s| s.size())
                    .unwrap_or(2_000);
            bytes += blob(
                p,
                &format!("{out_dir}/{stem}.class"),
                src * 3 / 2 + 400,
                0o644,
            )?;
            n += 1;
        }
    }
    for f in walk(p, &format!("{root}/src/main/resources"), 5_000) {
        let c = p.fs.read(&format!("{root}/src/main/resources/{f}"))?;
        bytes += c.len();
        super::put(p, &format!("{out_dir}/{f}"), c, 0o644)?;
    }
    Ok((n, bytes))
}

fn skip_tests(argv: &[String]) -> bool {
    argv.iter().any(|a| {
        a == "-DskipTests"
            || a == "-DskipTests=true"
            || a == "-Dmaven.test.skip=true"
            || a == "test"
    }) || argv.windows(2).any(|w| w[0] == "-x" && w[1] == "test")
}

fn pom_deps(pom: &str) -> Vec<Dep> {
    let deps_xml = xml_without(pom, "dependencyManagement");
    let deps_xml = xml_tag(&deps_xml, "dependencies").unwrap_or("");
    deps_xml
        .split("<dependency>")
        .skip(1)
        .filter(|d| xml_tag(d, "scope") != Some("test"))
        .map(|d| Dep {
            group: xml_tag(d, "groupId").unwrap_or("unknown").to_owned(),
            artifact: xml_tag(d, "artifactId").unwrap_or("unknown").to_owned(),
            version: xml_tag(d, "version").unwrap_or("managed").to_owned(),
        })
        .collect()
}

/// Writes the dependencies into a maven-layout repository; returns the bytes.
fn fetch_m2(p: &mut Proc<'_>, repo: &str, deps: &[Dep], boot: Option<&str>) -> Res<u64> {
    let mut b = 0;
    for d in deps {
        let v = if d.version == "managed" {
            boot.unwrap_or("1.0.0")
        } else {
            &d.version
        };
        let dir = format!("{repo}/{}/{}/{v}", d.group.replace('.', "/"), d.artifact);
        b += blob(
            p,
            &format!("{dir}/{}-{v}.jar", d.artifact),
            dep_size(d),
            0o644,
        )?;
        b += blob(p, &format!("{dir}/{}-{v}.pom", d.artifact), 3_000, 0o644)?;
    }
    for (pl, v) in [
        ("maven-compiler-plugin", "3.13.0"),
        ("maven-surefire-plugin", "3.2.5"),
        ("maven-jar-plugin", "3.4.1"),
        ("maven-resources-plugin", "3.3.1"),
    ] {
        let dir = format!("{repo}/org/apache/maven/plugins/{pl}/{v}");
        b += blob(
            p,
            &format!("{dir}/{pl}-{v}.jar"),
            size(&[pl], 30_000, 120_000),
            0o644,
        )?;
    }
    b += blob(
        p,
        &format!("{repo}/org/apache/maven/maven-core/3.9.6/maven-core-3.9.6.jar"),
        6_200_000,
        0o644,
    )?;
    Ok(b)
}

pub(super) fn maven(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    if argv.iter().any(|a| a == "-v" || a == "--version") {
        out(p, "Apache Maven 3.9.8\nMaven home: /usr/share/maven\n");
        return Ok(0);
    }
    let root = abs(
        p,
        &super::value(argv, &["-f", "--file"])
            .map_or(".".into(), |f| f.trim_end_matches("pom.xml").to_owned()),
    );
    let root = root.trim_end_matches('/').to_owned();
    let Some(pom) = read(p, &format!("{root}/pom.xml")) else {
        err(p, &format!("[ERROR] The goal you specified requires a project to execute but there is no POM in this directory ({root}). Please verify you invoked Maven from the correct directory. -> [Help 1]\n"));
        return Ok(1);
    };
    let repo = argv
        .iter()
        .find_map(|a| a.strip_prefix("-Dmaven.repo.local="))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{}/.m2/repository", home(p)));
    let parent = xml_tag(&pom, "parent").unwrap_or("");
    let own = xml_without(
        &xml_without(
            &xml_without(&xml_without(&pom, "parent"), "dependencies"),
            "build",
        ),
        "dependencyManagement",
    );
    let own = xml_without(&xml_without(&own, "profiles"), "properties");
    let artifact = xml_tag(&own, "artifactId").unwrap_or("app").to_owned();
    let version = xml_tag(&own, "version")
        .or_else(|| xml_tag(parent, "version"))
        .unwrap_or("1.0-SNAPSHOT")
        .to_owned();
    let packaging = xml_tag(&own, "packaging").unwrap_or("jar").to_owned();
    let boot_version = (xml_tag(parent, "artifactId") == Some("spring-boot-starter-parent"))
        .then(|| xml_tag(parent, "version").unwrap_or("3.3.0"));
    let boot_plugin = pom.contains("spring-boot-maven-plugin");
    let deps = pom_deps(&pom);
    let goals: Vec<&str> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let mut notes = Vec::new();
    if argv[0].ends_with("mvnw") {
        let d = format!(
            "{}/.m2/wrapper/dists/apache-maven-3.9.8-bin/{}",
            home(p),
            super::hash8(&["mvnw"])
        );
        if p.fs.stat(&d).is_err() {
            blob(
                p,
                &format!("{d}/apache-maven-3.9.8/lib/maven-core-3.9.8.jar"),
                9_400_000,
                0o644,
            )?;
            blob(p, &format!("{d}/apache-maven-3.9.8/bin/mvn"), 7_100, 0o755)?;
            notes.push(format!("the wrapper fetched Maven 3.9.8 into {d}"));
        }
    }
    let fetched = fetch_m2(p, &repo, &deps, boot_version)?;
    notes.push(format!(
        "{} dependencies into {repo} ({}, each jar standing for its tree)",
        deps.len(),
        mb(fetched)
    ));
    if goals.contains(&"clean") {
        crate::packages::remove(p, &format!("{root}/target"));
    }
    let builds = goals.iter().any(|g| {
        matches!(
            *g,
            "package" | "install" | "verify" | "deploy" | "spring-boot:repackage"
        )
    });
    let mut log = String::from("[INFO] Scanning for projects...\n");
    log.push_str(&format!("[INFO] Building {artifact} {version}\n"));
    if goals.iter().any(|g| {
        matches!(
            *g,
            "compile" | "test" | "package" | "install" | "verify" | "deploy"
        )
    }) {
        let (n, _) = classes(p, &root, &format!("{root}/target/classes"))?;
        notes.push(format!("{n} classes in target/classes"));
        if !skip_tests(argv) && goals.iter().any(|g| *g != "compile") {
            text(
                p,
                &format!("{root}/target/surefire-reports/TEST-summary.txt"),
                "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0\n",
            )?;
            log.push_str("[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0\n");
            notes.push("tests assumed to pass".into());
        }
    }
    if builds {
        let ext = if packaging == "war" { "war" } else { "jar" };
        let file = format!("{root}/target/{artifact}-{version}.{ext}");
        let classes_size: u64 =
            walk(p, &format!("{root}/target/classes"), 5_000).len() as u64 * 2_000 + 1_500;
        let size = if boot_plugin {
            blob(p, &format!("{file}.original"), classes_size, 0o644)?;
            classes_size + deps.iter().map(dep_size).sum::<u64>() + 320_000
        } else {
            classes_size
        };
        blob(p, &file, size, 0o644)?;
        text(
            p,
            &format!("{root}/target/maven-archiver/pom.properties"),
            &format!("artifactId={artifact}\nversion={version}\n"),
        )?;
        log.push_str(&format!("[INFO] Building jar: {file}\n"));
        notes.push(format!(
            "{} {file} ({})",
            if boot_plugin {
                "Spring Boot fat jar"
            } else {
                "jar"
            },
            mb(size)
        ));
        if goals.contains(&"install") {
            let g = xml_tag(&own, "groupId")
                .or_else(|| xml_tag(parent, "groupId"))
                .unwrap_or("com.example");
            let d = format!("{repo}/{}/{artifact}/{version}", g.replace('.', "/"));
            blob(p, &format!("{d}/{artifact}-{version}.{ext}"), size, 0o644)?;
        }
    }
    log.push_str("[INFO] BUILD SUCCESS\n");
    out(p, &log);
    modelled(p, argv, notes.join("; "));
    Ok(0)
}

fn gradle_deps(build: &str) -> Vec<Dep> {
    let mut v = Vec::new();
    for l in build.lines() {
        let t = l.trim();
        let conf = ["implementation", "api", "runtimeOnly", "compileOnly"];
        if !conf.iter().any(|c| t.starts_with(c)) {
            continue;
        }
        let Some(coord) = t.split(['\'', '"']).nth(1) else {
            continue;
        };
        let mut it = coord.split(':');
        let (Some(g), Some(a)) = (it.next(), it.next()) else {
            continue;
        };
        v.push(Dep {
            group: g.into(),
            artifact: a.into(),
            version: it.next().unwrap_or("managed").into(),
        });
    }
    v
}

pub(super) fn gradle(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    if argv.iter().any(|a| a == "-v" || a == "--version") {
        out(p, "\n------------------------------------------------------------\nGradle 8.8\n------------------------------------------------------------\n");
        return Ok(0);
    }
    let root = abs(
        p,
        &super::value(argv, &["-p", "--project-dir"]).unwrap_or_else(|| ".".into()),
    );
    let build = read(p, &format!("{root}/build.gradle"))
        .or_else(|| read(p, &format!("{root}/build.gradle.kts")));
    let settings = read(p, &format!("{root}/settings.gradle"))
        .or_else(|| read(p, &format!("{root}/settings.gradle.kts")))
        .unwrap_or_default();
    let Some(build) = build.or_else(|| (!settings.is_empty()).then(String::new)) else {
        err(p, &format!("\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nDirectory '{root}' does not contain a Gradle build.\n"));
        return Ok(1);
    };
    let name = super::kv(&settings, "rootProject.name")
        .unwrap_or_else(|| root.rsplit('/').next().unwrap_or("app").to_owned());
    let version = super::kv(&build, "version")
        .filter(|v| !v.contains('('))
        .unwrap_or_else(|| "unspecified".into());
    let boot = build
        .lines()
        .find(|l| l.contains("org.springframework.boot"))
        .and_then(|l| l.split("version").nth(1))
        .map(|v| {
            v.trim()
                .trim_matches(|c| c == '\'' || c == '"' || c == ')' || c == ' ')
                .to_owned()
        });
    let gh = super::env(p, "GRADLE_USER_HOME").unwrap_or_else(|| format!("{}/.gradle", home(p)));
    let tasks: Vec<&str> = argv[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let mut notes = Vec::new();
    if argv[0].ends_with("gradlew") {
        let d = format!(
            "{gh}/wrapper/dists/gradle-8.8-bin/{}",
            super::hash8(&["gradlew"])
        );
        if p.fs.stat(&d).is_err() {
            blob(p, &format!("{d}/gradle-8.8-bin.zip"), 134_000_000, 0o644)?;
            blob(
                p,
                &format!("{d}/gradle-8.8/lib/gradle-core-8.8.jar"),
                150_000_000,
                0o644,
            )?;
            notes.push(format!("the wrapper fetched Gradle 8.8 into {d}"));
        }
    }
    let deps = gradle_deps(&build);
    let mut fetched = 0;
    for d in &deps {
        let v = if d.version == "managed" {
            boot.as_deref().unwrap_or("1.0.0")
        } else {
            &d.version
        };
        let h = super::hash8(&[&d.group, &d.artifact, v]);
        fetched += blob(
            p,
            &format!(
                "{gh}/caches/modules-2/files-2.1/{}/{}/{v}/{h}/{}-{v}.jar",
                d.group, d.artifact, d.artifact
            ),
            dep_size(d),
            0o644,
        )?;
    }
    fetched += blob(
        p,
        &format!("{gh}/caches/8.8/generated-gradle-jars/gradle-api-8.8.jar"),
        42_000_000,
        0o644,
    )?;
    text(
        p,
        &format!("{root}/.gradle/8.8/checksums/checksums.lock"),
        "",
    )?;
    notes.push(format!(
        "{} dependencies into {gh}/caches ({})",
        deps.len(),
        mb(fetched)
    ));
    if tasks.contains(&"clean") {
        crate::packages::remove(p, &format!("{root}/build"));
    }
    let jar_name = |suffix: &str| {
        if version == "unspecified" {
            format!("{name}{suffix}.jar")
        } else {
            format!("{name}-{version}{suffix}.jar")
        }
    };
    let makes = |t: &str| {
        tasks
            .iter()
            .any(|x| *x == t || x.ends_with(&format!(":{t}")))
    };
    let any_build = [
        "build",
        "assemble",
        "jar",
        "bootJar",
        "bootWar",
        "installDist",
    ]
    .iter()
    .any(|t| makes(t));
    if any_build || makes("compileJava") || makes("test") {
        let (n, _) = classes(p, &root, &format!("{root}/build/classes/java/main"))?;
        notes.push(format!("{n} classes in build/classes/java/main"));
    }
    let classes_size =
        walk(p, &format!("{root}/build/classes/java/main"), 5_000).len() as u64 * 2_000 + 1_500;
    let libs = format!("{root}/build/libs");
    if boot.is_some() && (makes("bootJar") || makes("build") || makes("assemble")) {
        let s = classes_size + deps.iter().map(dep_size).sum::<u64>() + 320_000;
        let f = format!("{libs}/{}", jar_name(""));
        blob(p, &f, s, 0o644)?;
        notes.push(format!("Spring Boot fat jar {f} ({})", mb(s)));
    }
    if makes("jar") || (makes("build") || makes("assemble")) {
        // With Spring Boot's plugin (2.5+), the plain jar is classified `-plain`.
        let f = format!(
            "{libs}/{}",
            jar_name(if boot.is_some() { "-plain" } else { "" })
        );
        blob(p, &f, classes_size, 0o644)?;
        notes.push(format!("jar {f}"));
    }
    if makes("build") || makes("test") || makes("check") {
        if skip_tests(argv) {
            notes.push("tests skipped (-x test)".into());
        } else {
            text(
                p,
                &format!("{root}/build/test-results/test/TEST-summary.xml"),
                "<testsuite tests=\"1\" failures=\"0\"/>\n",
            )?;
            notes.push("tests assumed to pass".into());
        }
    }
    out(p, "\nBUILD SUCCESSFUL in 41s\n");
    modelled(p, argv, notes.join("; "));
    Ok(0)
}
