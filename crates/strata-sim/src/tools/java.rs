//! `java -Djarmode=layertools -jar APP.jar extract [--destination DIR]` (Spring Boot 2.3–3.2) and
//! `java -Djarmode=tools -jar APP.jar extract --layers --launcher [--destination DIR]` (3.3+): the fat
//! jar's layers as directories — `dependencies/BOOT-INF/lib`, `spring-boot-loader/`,
//! `snapshot-dependencies/`, `application/BOOT-INF/classes` — sized from the jar (its classes from the
//! build's `classes` directory beside it, when there). Other `java` runs are not modelled.

use super::{abs, blob, dir, err, mb, modelled, text, value, walk};
use crate::exec::Proc;
use crate::packages::Res;

/// Whether `argv` is a jarmode extraction this model handles.
pub(super) fn handles(argv: &[String]) -> bool {
    argv.iter()
        .any(|a| a == "-Djarmode=layertools" || a == "-Djarmode=tools")
        && argv.iter().any(|a| a == "extract")
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let Some(jar) = value(argv, &["-jar"]) else {
        err(p, "Error: -jar requires jar file specification\n");
        return Ok(1);
    };
    let jar = abs(p, &jar);
    let Ok(st) = p.fs.stat(&jar) else {
        err(p, &format!("Error: Unable to access jarfile {jar}\n"));
        return Ok(1);
    };
    let total = st.size();
    let dest = abs(
        p,
        &value(argv, &["--destination"]).unwrap_or_else(|| ".".into()),
    );
    // Spring Boot 3.3's `tools` mode puts the layers under a directory named after the jar.
    let dest = if argv.iter().any(|a| a == "-Djarmode=tools")
        && value(argv, &["--destination"]).is_none()
    {
        let stem = jar
            .rsplit('/')
            .next()
            .unwrap_or("app")
            .trim_end_matches(".jar")
            .to_owned();
        format!("{dest}/{stem}")
    } else {
        dest
    };
    let classes_dir = jar.rsplit_once('/').map(|(d, _)| format!("{d}/classes"));
    let mut app = 0;
    if let Some(cd) = classes_dir.filter(|c| p.fs.stat(c).is_ok_and(|s| s.is_dir())) {
        for f in walk(p, &cd, 5_000) {
            let c = p.fs.read(&format!("{cd}/{f}"))?;
            app += c.len();
            super::put(
                p,
                &format!("{dest}/application/BOOT-INF/classes/{f}"),
                c,
                0o644,
            )?;
        }
    }
    text(
        p,
        &format!("{dest}/application/META-INF/MANIFEST.MF"),
        "Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n",
    )?;
    let loader = 320_000u64.min(total);
    blob(
        p,
        &format!(
            "{dest}/spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class"
        ),
        1_900,
        0o644,
    )?;
    blob(
        p,
        &format!("{dest}/spring-boot-loader/org/springframework/boot/loader/loader.bundle"),
        loader.saturating_sub(1_900),
        0o644,
    )?;
    dir(p, &format!("{dest}/snapshot-dependencies"))?;
    let deps = total.saturating_sub(loader + app);
    blob(
        p,
        &format!("{dest}/dependencies/BOOT-INF/lib/libraries.bundle"),
        deps,
        0o644,
    )?;
    modelled(
        p,
        argv,
        format!("the layers of {jar} in {dest}: dependencies/ ({}, one stand-in file for the library jars), spring-boot-loader/, snapshot-dependencies/, application/ ({})", mb(deps), mb(app)),
    );
    Ok(0)
}
