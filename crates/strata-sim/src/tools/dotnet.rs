//! `dotnet restore|build|publish` on the project (`.csproj`/`.fsproj` named, or the one in the working
//! directory): NuGet packages of its `<PackageReference>`s into `~/.nuget/packages` (`$NUGET_PACKAGES`),
//! `obj/project.assets.json`, and for publish the output directory with `NAME.dll`, `.pdb`, `.deps.json`,
//! `.runtimeconfig.json`, the apphost `NAME` (unless `UseAppHost=false`), the packages' dlls,
//! `appsettings*.json`, and `web.config` + `wwwroot/` for a Web SDK project.

use super::{abs, blob, err, has, home, mb, modelled, out, read, size, text, value, xml_tag};
use crate::exec::Proc;
use crate::packages::Res;

struct Proj {
    dir: String,
    name: String,
    tfm: String,
    web: bool,
    refs: Vec<(String, String)>,
}

fn attr<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let i = s.find(&format!("{key}=\""))? + key.len() + 2;
    Some(&s[i..i + s[i..].find('"')?])
}

fn load(p: &Proc<'_>, path: &str) -> Option<Proj> {
    let x = read(p, path)?;
    let (dir, file) = path.rsplit_once('/')?;
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    Some(Proj {
        dir: dir.to_owned(),
        name: xml_tag(&x, "AssemblyName").unwrap_or(stem).to_owned(),
        tfm: xml_tag(&x, "TargetFramework")
            .unwrap_or("net8.0")
            .to_owned(),
        web: x.contains("Microsoft.NET.Sdk.Web"),
        refs: x
            .split("<PackageReference")
            .skip(1)
            .filter_map(|r| {
                Some((
                    attr(r, "Include")?.to_owned(),
                    attr(r, "Version").unwrap_or("1.0.0").to_owned(),
                ))
            })
            .collect(),
    })
}

/// The projects of a solution file: `Project("{…}") = "Name", "Dir\Name.csproj", "{…}"`.
fn solution(p: &Proc<'_>, path: &str) -> Vec<Proj> {
    let dir = path.rsplit_once('/').map_or("/", |(d, _)| d);
    read(p, path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("Project("))
        .filter_map(|l| l.split('"').nth(5))
        .filter(|rel| rel.ends_with("proj"))
        .filter_map(|rel| load(p, &format!("{dir}/{}", rel.replace('\\', "/"))))
        .collect()
}

/// The projects named on the command line, else the project or solution in the working directory.
fn projects(p: &Proc<'_>, argv: &[String]) -> Vec<Proj> {
    let takes = [
        "-c",
        "--configuration",
        "-o",
        "--output",
        "-r",
        "--runtime",
        "-a",
        "--arch",
        "-f",
        "--framework",
        "--os",
    ];
    let named = super::operands(argv, &takes)
        .into_iter()
        .nth(1)
        .filter(|a| !a.starts_with('/') || a.contains("proj") || a.ends_with(".sln"));
    let path = match named {
        Some(n) if n.ends_with("proj") || n.ends_with(".sln") => abs(p, &n),
        other => {
            let d = abs(p, other.as_deref().unwrap_or("."));
            let files = p.fs.read_dir(&d).unwrap_or_default();
            let Some(f) = files
                .iter()
                .find(|f| f.ends_with(".csproj") || f.ends_with(".fsproj"))
                .or_else(|| files.iter().find(|f| f.ends_with(".sln")))
            else {
                return Vec::new();
            };
            format!("{d}/{f}")
        }
    };
    if path.ends_with(".sln") {
        solution(p, &path)
    } else {
        load(p, &path).into_iter().collect()
    }
}

pub(super) fn run(argv: &[String], p: &mut Proc<'_>) -> Res<i32> {
    let sub = argv.get(1).map(String::as_str).unwrap_or("");
    if sub == "--version" {
        out(p, "8.0.303\n");
        return Ok(0);
    }
    if !matches!(sub, "restore" | "build" | "publish" | "test") {
        modelled(
            p,
            argv,
            format!("`dotnet {sub}` changes nothing in the model"),
        );
        return Ok(0);
    }
    let all = projects(p, argv);
    if all.is_empty() {
        err(p, "MSBUILD : error MSB1003: Specify a project or solution file. The current working directory does not contain a project or solution file.\n");
        return Ok(1);
    }
    let mut notes = Vec::new();
    for pr in &all {
        one(sub, pr, argv, p, &mut notes)?;
    }
    modelled(p, argv, notes.join("; "));
    Ok(0)
}

fn one(
    sub: &str,
    pr: &Proj,
    argv: &[String],
    p: &mut Proc<'_>,
    notes: &mut Vec<String>,
) -> Res<()> {
    let nuget =
        super::env(p, "NUGET_PACKAGES").unwrap_or_else(|| format!("{}/.nuget/packages", home(p)));
    if !has(argv, "--no-restore") {
        let mut b = 0;
        for (id, v) in &pr.refs {
            let l = id.to_ascii_lowercase();
            let d = format!("{nuget}/{l}/{v}");
            b += blob(
                p,
                &format!("{d}/{l}.{v}.nupkg"),
                size(&[id, v], 60_000, 3_000_000),
                0o644,
            )?;
            b += blob(
                p,
                &format!("{d}/lib/{}/{id}.dll", pr.tfm),
                size(&[id, "dll"], 20_000, 1_500_000),
                0o644,
            )?;
        }
        text(
            p,
            &format!("{}/obj/project.assets.json", pr.dir),
            &format!("{{\"version\":3,\"targets\":{{\"{}\":{{}}}}}}\n", pr.tfm),
        )?;
        text(
            p,
            &format!("{}/obj/{}.csproj.nuget.g.props", pr.dir, pr.name),
            "<Project/>\n",
        )?;
        out(
            p,
            &format!(
                "  Determining projects to restore...\n  Restored {}/{}.csproj.\n",
                pr.dir, pr.name
            ),
        );
        notes.push(format!(
            "{} NuGet packages into {nuget} ({})",
            pr.refs.len(),
            mb(b)
        ));
    }
    if sub == "restore" {
        return Ok(());
    }
    let config = value(argv, &["-c", "--configuration"]).unwrap_or_else(|| {
        if sub == "publish" {
            "Release".into()
        } else {
            "Debug".into()
        }
    });
    let src: u64 = super::walk(p, &pr.dir, 2_000)
        .iter()
        .filter(|f| f.ends_with(".cs") && !f.starts_with("obj/") && !f.starts_with("bin/"))
        .map(|f| {
            p.fs.stat(&format!("{}/{f}", pr.dir))
                .map(|s| s.size())
                .unwrap_or(0)
        })
        .sum();
    let dll = 4_600 + src;
    let bin = format!("{}/bin/{config}/{}", pr.dir, pr.tfm);
    blob(p, &format!("{bin}/{}.dll", pr.name), dll, 0o644)?;
    blob(
        p,
        &format!("{}/obj/{config}/{}/{}.dll", pr.dir, pr.tfm, pr.name),
        dll,
        0o644,
    )?;
    if sub == "test" {
        out(p, "Passed!  - Failed: 0, Passed: 1, Skipped: 0, Total: 1\n");
        notes.push("tests assumed to pass".into());
        return Ok(());
    }
    let dest = match (sub, value(argv, &["-o", "--output"])) {
        (_, Some(o)) => abs(p, &o),
        ("publish", None) => format!("{bin}/publish"),
        _ => bin.clone(),
    };
    let n = &pr.name;
    blob(p, &format!("{dest}/{n}.dll"), dll, 0o644)?;
    blob(p, &format!("{dest}/{n}.pdb"), 20_000 + src / 2, 0o644)?;
    text(
        p,
        &format!("{dest}/{n}.deps.json"),
        &format!(
            "{{\"runtimeTarget\":{{\"name\":\".NETCoreApp,Version=v{}\"}}}}\n",
            pr.tfm.trim_start_matches("net")
        ),
    )?;
    let fw = if pr.web {
        "Microsoft.AspNetCore.App"
    } else {
        "Microsoft.NETCore.App"
    };
    text(p, &format!("{dest}/{n}.runtimeconfig.json"), &format!("{{\n  \"runtimeOptions\": {{\n    \"tfm\": \"{}\",\n    \"framework\": {{ \"name\": \"{fw}\", \"version\": \"{}.0\" }}\n  }}\n}}\n", pr.tfm, pr.tfm.trim_start_matches("net")))?;
    let apphost = !argv.iter().any(|a| {
        a.eq_ignore_ascii_case("/p:UseAppHost=false")
            || a.eq_ignore_ascii_case("-p:UseAppHost=false")
    });
    if apphost {
        blob(p, &format!("{dest}/{n}"), 72_488, 0o755)?;
    }
    for (id, _) in &pr.refs {
        blob(
            p,
            &format!("{dest}/{id}.dll"),
            size(&[id, "dll"], 20_000, 1_500_000),
            0o644,
        )?;
    }
    for f in p.fs.read_dir(&pr.dir).unwrap_or_default() {
        if f.starts_with("appsettings") && f.ends_with(".json") {
            let c = p.fs.read(&format!("{}/{f}", pr.dir))?;
            super::put(p, &format!("{dest}/{f}"), c, 0o644)?;
        }
    }
    if pr.web {
        text(p, &format!("{dest}/web.config"), &format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration><location path=\".\" inheritInChildApplications=\"false\"><system.webServer><aspNetCore processPath=\"dotnet\" arguments=\".\\{n}.dll\" /></system.webServer></location></configuration>\n"))?;
        for f in super::walk(p, &format!("{}/wwwroot", pr.dir), 2_000) {
            let c = p.fs.read(&format!("{}/wwwroot/{f}", pr.dir))?;
            super::put(p, &format!("{dest}/wwwroot/{f}"), c, 0o644)?;
        }
    }
    out(p, &format!("  {n} -> {dest}/\n"));
    notes.push(format!(
        "{n}.dll ({config}, {}) and its runtime files in {dest}{}",
        pr.tfm,
        if apphost { ", with the apphost" } else { "" }
    ));
    Ok(())
}
