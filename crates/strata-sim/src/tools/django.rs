//! `python manage.py collectstatic`: Django's static files gathered into `STATIC_ROOT` (from the
//! settings module manage.py names; a string, `BASE_DIR / "x"` or `os.path.join(BASE_DIR, "x")`), from
//! each app directory's `static/` and, with `django.contrib.admin` installed, the admin's own files
//! (css, js, img and fonts, their sizes folded into a few files). Django must be installed (a site-packages
//! `django/` directory), as the real command needs it.

use super::{abs, blob, err, modelled, out, read, walk};
use crate::exec::Proc;
use crate::packages::Res;

/// Whether `argv` (`python manage.py collectstatic …`) is for this model.
pub(super) fn handles(argv: &[String]) -> bool {
    argv.get(1).is_some_and(|a| a.ends_with("manage.py"))
        && argv.get(2).map(String::as_str) == Some("collectstatic")
}

fn has_django(p: &Proc<'_>) -> bool {
    let roots = ["/usr/local/lib", "/usr/lib"];
    let venv = super::env(p, "VIRTUAL_ENV").map(|v| format!("{v}/lib"));
    roots.iter().map(|r| r.to_string()).chain(venv).any(|lib| {
        p.fs.read_dir(&lib)
            .unwrap_or_default()
            .iter()
            .filter(|d| d.starts_with("python"))
            .any(|d| {
                ["site-packages", "dist-packages"]
                    .iter()
                    .any(|s| p.fs.stat(&format!("{lib}/{d}/{s}/django")).is_ok())
            })
    })
}

pub(super) fn collectstatic(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let manage = abs(p, &argv[1]);
    let base = manage
        .rsplit_once('/')
        .map_or("/".to_owned(), |(d, _)| d.to_owned());
    if !has_django(p) {
        err(p, "Traceback (most recent call last):\n  File \"manage.py\", line 7, in <module>\n    from django.core.management import execute_from_command_line\nModuleNotFoundError: No module named 'django'\n");
        return Ok(1);
    }
    let text = read(p, &manage).unwrap_or_default();
    let module = super::env(p, "DJANGO_SETTINGS_MODULE").or_else(|| {
        let i = text.find("DJANGO_SETTINGS_MODULE")?;
        text[i..].split(['"', '\'']).nth(2).map(str::to_owned)
    });
    let settings = module
        .and_then(|m| read(p, &format!("{base}/{}.py", m.replace('.', "/"))))
        .unwrap_or_default();
    let root = settings.lines().find_map(|l| {
        let v = l
            .trim()
            .strip_prefix("STATIC_ROOT")?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        let lit = v.rsplit(['"', '\'']).nth(1)?;
        Some(if v.starts_with(['"', '\'']) && lit.starts_with('/') {
            lit.to_owned()
        } else {
            format!("{base}/{}", lit.trim_start_matches('/'))
        })
    });
    let Some(root) = root else {
        err(p, "django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without having set the required STATIC_ROOT setting to a filesystem path.\n");
        return Ok(1);
    };
    let mut n = 0;
    if settings.contains("django.contrib.admin") {
        for (f, s) in [
            ("css/base.css", 22_000u64),
            ("css/admin.bundle", 95_000),
            ("js/admin.bundle", 180_000),
            ("js/vendor/jquery/jquery.min.js", 87_500),
            ("js/vendor/select2/select2.full.min.js", 79_000),
            ("img/icons.bundle", 41_000),
            ("fonts/fonts.bundle", 430_000),
        ] {
            blob(p, &format!("{root}/admin/{f}"), s, 0o644)?;
            n += 1;
        }
    }
    for f in walk(p, &base, 20_000) {
        let Some((_, under)) = f.split_once("/static/").filter(|(app, _)| {
            !app.contains("/static") && !format!("{base}/{f}").starts_with(&root)
        }) else {
            continue;
        };
        let c = p.fs.read(&format!("{base}/{f}"))?;
        super::put(p, &format!("{root}/{under}"), c, 0o644)?;
        n += 1;
    }
    super::dir(p, &root)?;
    out(p, &format!("\n{n} static files copied to '{root}'.\n"));
    modelled(
        p,
        argv,
        format!("{n} static files into {root} (the admin's folded into a few files)"),
    );
    Ok(0)
}
