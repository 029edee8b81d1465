//! `python -m venv DIR`: the shape CPython's venv module gives a virtual environment on Linux —
//! `pyvenv.cfg`; `bin/python` linked to the interpreter that made it, `bin/python3` and
//! `bin/python3.X` linked to `python`; the activate scripts; `include/`; `lib/python3.X/site-packages`
//! with pip installed by ensurepip (unless `--without-pip`); `lib64 -> lib`. The venv's pip and python
//! then install into it (see `packages::pip`, which follows `VIRTUAL_ENV`).

use super::{abs, blob, dir, err, link, modelled, operands, text};
use crate::exec::Proc;
use crate::packages::Res;

const PIP: &str = "24.0";

/// `python` is the interpreter's path as called (`/usr/local/bin/python3`); `real` its resolved file.
pub(super) fn create(python: &str, argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let ops = operands(&argv[2..], &["--prompt"]);
    let Some(target) = ops.into_iter().next() else {
        err(p, "usage: venv [-h] [--system-site-packages] [--symlinks | --copies] [--clear] [--upgrade] [--without-pip] [--prompt PROMPT] [--upgrade-deps] ENV_DIR [ENV_DIR ...]\nvenv: error: the following arguments are required: ENV_DIR\n");
        return Ok(2);
    };
    let d = abs(p, &target);
    let real = crate::shell::applets::realpath(p.fs, python).unwrap_or_else(|| python.to_owned());
    let name = real.rsplit('/').next().unwrap_or("python3");
    let ver = name
        .strip_prefix("python")
        .filter(|v| v.contains('.'))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            p.fs.read_dir("/usr/local/lib")
                .unwrap_or_default()
                .into_iter()
                .chain(p.fs.read_dir("/usr/lib").unwrap_or_default())
                .find_map(|n| n.strip_prefix("python3.").map(|m| format!("3.{m}")))
                .unwrap_or_else(|| "3.12".into())
        });
    let home_dir = python
        .rsplit_once('/')
        .map_or("/usr/local/bin", |(h, _)| h)
        .to_owned();
    let full = super::env(p, "PYTHON_VERSION").unwrap_or_else(|| format!("{ver}.0"));
    let system_site = argv.iter().any(|a| a == "--system-site-packages");
    let cmd = argv.join(" ");
    text(
        p,
        &format!("{d}/pyvenv.cfg"),
        &format!("home = {home_dir}\ninclude-system-site-packages = {system_site}\nversion = {full}\nexecutable = {real}\ncommand = {cmd}\n"),
    )?;
    if argv.iter().any(|a| a == "--copies") {
        let s = p.fs.stat(&real).map(|s| s.size()).unwrap_or(14_000);
        blob(p, &format!("{d}/bin/python"), s, 0o755)?;
    } else {
        link(p, &format!("{d}/bin/python"), python)?;
    }
    link(p, &format!("{d}/bin/python3"), "python")?;
    link(p, &format!("{d}/bin/python{ver}"), "python")?;
    text(
        p,
        &format!("{d}/bin/activate"),
        &format!("# This file must be used with \"source bin/activate\" *from bash*\n# You cannot run it directly\n\ndeactivate () {{\n    if [ -n \"${{_OLD_VIRTUAL_PATH:-}}\" ] ; then\n        PATH=\"${{_OLD_VIRTUAL_PATH:-}}\"\n        export PATH\n        unset _OLD_VIRTUAL_PATH\n    fi\n    unset VIRTUAL_ENV\n}}\n\nVIRTUAL_ENV=\"{d}\"\nexport VIRTUAL_ENV\n\n_OLD_VIRTUAL_PATH=\"$PATH\"\nPATH=\"$VIRTUAL_ENV/bin:$PATH\"\nexport PATH\n"),
    )?;
    blob(p, &format!("{d}/bin/activate.csh"), 936, 0o644)?;
    blob(p, &format!("{d}/bin/activate.fish"), 2_215, 0o644)?;
    blob(p, &format!("{d}/bin/Activate.ps1"), 9_033, 0o644)?;
    dir(p, &format!("{d}/include/python{ver}"))?;
    let site = format!("{d}/lib/python{ver}/site-packages");
    dir(p, &site)?;
    link(p, &format!("{d}/lib64"), "lib")?;
    let mut what = format!("virtual environment {d} (python {full}, bin/python -> {python})");
    if !argv.iter().any(|a| a == "--without-pip") {
        let script = format!("#!{d}/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pip._internal.cli.main import main\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n");
        let major = ver.split('.').next().unwrap_or("3");
        for n in ["pip".to_owned(), format!("pip{major}"), format!("pip{ver}")] {
            super::put(
                p,
                &format!("{d}/bin/{n}"),
                strata_image::Content::from_bytes(script.as_bytes().to_vec()),
                0o755,
            )?;
        }
        blob(p, &format!("{site}/pip/__init__.py"), 357, 0o644)?;
        blob(p, &format!("{site}/pip/_internal.bundle"), 4_300_000, 0o644)?;
        blob(p, &format!("{site}/pip/_vendor.bundle"), 8_600_000, 0o644)?;
        for (f, s) in [
            ("METADATA", 3_600u64),
            ("RECORD", 65_000),
            ("WHEEL", 92),
            ("entry_points.txt", 125),
            ("top_level.txt", 4),
        ] {
            blob(p, &format!("{site}/pip-{PIP}.dist-info/{f}"), s, 0o644)?;
        }
        text(p, &format!("{site}/pip-{PIP}.dist-info/INSTALLER"), "pip\n")?;
        what.push_str(&format!(", pip {PIP} in lib/python{ver}/site-packages"));
    }
    modelled(p, argv, what);
    Ok(0)
}
