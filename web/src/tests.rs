//! Unit tests of the page's plain logic. They run natively, in Node and in headless Chromium
//! (`cargo xtask test`), because the same functions run in the browser.

use strata_dockerfile::{Diagnostic, Severity};

use crate::analysis::{
    analyze, line_count, line_marks, line_start_utf16, rows, summarize, utf16_offset, Summary,
};
use crate::build::BuildView;
use crate::examples::EXAMPLES;
use crate::project::{ContextFile, Project};
use crate::session::{ExportFormat, Reply, Request, Session};
use crate::state::{Action, State};

/// Builds `text` with an empty context in BuildKit style.
fn build(session: &mut Session, text: &str, now_ms: f64) -> BuildView {
    let project = Project {
        dockerfile: text.to_string(),
        ..Project::default()
    };
    session.build(&project, false, now_ms)
}

/// The while.sh lesson's project: a script copied in and run as the CMD.
fn while_project(executable: bool) -> Project {
    let script = ContextFile::text(
        "while.sh",
        "#!/bin/sh\nfor i in 1 2 3; do echo \"tick $i\"; done\n",
    );
    Project {
        dockerfile: "FROM busybox\nCOPY while.sh /\nCMD [\"/while.sh\"]\n".to_string(),
        files: vec![if executable {
            script.executable()
        } else {
            script
        }],
        run_line: "docker run --rm ticker".to_string(),
    }
}

fn diag(severity: Severity, text: &str, start: usize, end: usize) -> Diagnostic {
    let span = strata_dockerfile::LineIndex::new(text).span(text, start, end);
    Diagnostic {
        code: "SD9999",
        severity,
        span,
        message: "test".to_string(),
        help: None,
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn utf16_offsets_count_code_units_not_bytes() {
    // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
    let text = "aé😀b";
    assert_eq!(utf16_offset(text, 0), 0);
    assert_eq!(utf16_offset(text, 1), 1);
    assert_eq!(utf16_offset(text, 3), 2);
    assert_eq!(utf16_offset(text, 7), 4);
    assert_eq!(utf16_offset(text, 8), 5);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn utf16_offsets_never_panic_on_stale_spans() {
    let text = "aé";
    // Inside "é" counts as its start; past the end counts as the end.
    assert_eq!(utf16_offset(text, 2), 1);
    assert_eq!(utf16_offset(text, 99), 2);
    assert_eq!(utf16_offset("", 5), 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn line_starts_in_utf16() {
    let text = "FROM é\nRUN 😀\nCMD x";
    assert_eq!(line_start_utf16(text, 1), 0);
    assert_eq!(line_start_utf16(text, 2), 7);
    assert_eq!(line_start_utf16(text, 3), 14);
    assert_eq!(line_start_utf16(text, 9), 19);
    assert_eq!(line_count(text), 3);
    assert_eq!(line_count("FROM a\n"), 2);
    assert_eq!(line_count(""), 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rows_select_the_span_in_utf16_and_sort_by_position() {
    let text = "FROM é\nRUN 😀 x\n";
    let second = text.find('x').unwrap();
    let diags = vec![
        diag(Severity::Warning, text, second, second + 1),
        diag(Severity::Error, text, 0, 4),
    ];
    let rows = rows(text, &diags);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].line,
            rows[0].col,
            rows[0].sel_start,
            rows[0].sel_end
        ),
        (1, 1, 0, 4)
    );
    assert_eq!(rows[0].severity, Severity::Error);
    // "FROM é\n" is 7 units, "RUN 😀 " is 7 more.
    assert_eq!(
        (
            rows[1].line,
            rows[1].col,
            rows[1].sel_start,
            rows[1].sel_end
        ),
        (2, 7, 14, 15)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn counts_and_gutter_marks_keep_the_worst_severity() {
    let text = "FROM a\nRUN b\n";
    let diags = vec![
        diag(Severity::Warning, text, 7, 10),
        diag(Severity::Error, text, 8, 9),
        diag(Severity::Warning, text, 0, 4),
        diag(Severity::Info, text, 1, 2),
    ];
    let summary = summarize(2, &diags);
    assert_eq!(
        summary,
        Summary {
            instructions: 2,
            errors: 1,
            warnings: 2,
            infos: 1,
        }
    );
    // The numbers add up to the Problems count (4).
    assert_eq!(
        summary.to_string(),
        "2 instructions, 1 error, 2 warnings, 1 info"
    );
    assert_eq!(
        summarize(2, &diags[..3]).to_string(),
        "2 instructions, 1 error, 2 warnings"
    );
    let marks = line_marks(&diags);
    assert_eq!(marks[&1].severity, Severity::Warning);
    assert_eq!(marks[&1].tooltip, "warning SD9999: test\ninfo SD9999: test");
    assert_eq!(marks[&2].severity, Severity::Error);
    assert_eq!(marks.len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_misspelled_instruction_is_reported_on_its_line() {
    let text = "FROM alpine\nWORKDIR /app # x\nFORM debian\n";
    let a = analyze(text);
    assert_eq!(a.summary.instructions, 3);
    let row = a
        .problems
        .iter()
        .find(|r| r.line == 3)
        .expect("a problem on line 3");
    assert_eq!(row.severity, Severity::Error);
    assert_eq!(row.sel_start, line_start_utf16(text, 3));
    assert!(
        row.message.contains("FROM") || row.help.as_deref().unwrap_or("").contains("FROM"),
        "{row:?}"
    );
    // A `#` after an instruction is not a comment: the linter says so.
    assert!(a.problems.iter().any(|r| r.line == 2), "{:?}", a.problems);
    assert!(a.dump.contains("(workdir \"/app # x\")"), "{}", a.dump);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_example_parses_into_instructions() {
    for ex in EXAMPLES {
        let a = analyze(ex.text);
        assert!(
            a.summary.instructions > 0,
            "{} has no instructions",
            ex.name
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn edits_wait_for_analyze() {
    let s = State::new();
    assert!(s.analyzed && !s.edited);
    let s = s.apply(Action::Edit("FORM x\n".to_string()));
    assert!(!s.analyzed && s.edited);
    assert!(s
        .analysis
        .problems
        .iter()
        .all(|r| r.line != 1 || r.severity != Severity::Error));
    let s = s.apply(Action::Analyze);
    assert!(s.analyzed);
    assert!(s
        .analysis
        .problems
        .iter()
        .any(|r| r.line == 1 && r.severity == Severity::Error));
    let s = s.apply(Action::LoadExample(1));
    assert_eq!(s.project.dockerfile, EXAMPLES[1].text);
    assert!(s.analyzed && !s.edited);
}

/// The reducer alone decides when the project is built next: each action that changes what the image is
/// made of asks for one build, with the delay the page waits before sending it.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reducer_decides_when_to_build() {
    use crate::project::{ContextFile, DEFAULT_RUN_LINE};
    use crate::state::{BuildWanted, Tab, BUILD_DELAY_MS, DEBOUNCE_MS};
    let s = State::new();
    assert_eq!(
        s.build_wanted,
        BuildWanted {
            seq: 1,
            delay_ms: 0
        },
        "the first build, at once"
    );
    assert_eq!(s.project.run_line, DEFAULT_RUN_LINE);
    let mut seq = 1;
    let mut expect = |s: &State, delay: Option<u32>, what: &str| {
        if let Some(delay_ms) = delay {
            seq += 1;
            assert_eq!(s.build_wanted, BuildWanted { seq, delay_ms }, "{what}");
        } else {
            assert_eq!(s.build_wanted.seq, seq, "{what} must not build");
        }
    };
    let s = s.apply(Action::Edit("FROM busybox\nRUN true\n".to_string()));
    expect(&s, None, "a keystroke");
    let s = s.apply(Action::Analyze);
    expect(&s, Some(BUILD_DELAY_MS), "the pause after typing");
    let s = s.apply(Action::Analyze);
    expect(&s, None, "a second pause on the same text");
    let s = s.apply(Action::SetRunLine(
        "docker run --rm playground ls".to_string(),
    ));
    expect(&s, None, "the run line");
    assert_eq!(s.project.run_line, "docker run --rm playground ls");
    let s = s.apply(Action::SetTab(Tab::Layers));
    expect(&s, None, "a panel");
    let s = s.apply(Action::SetFiles(vec![ContextFile::text("a.txt", "a")]));
    expect(&s, Some(DEBOUNCE_MS), "the context's files");
    let s = s.apply(Action::SetClassic(true));
    expect(&s, Some(0), "the classic toggle");
    let s = s.apply(Action::Build);
    expect(&s, Some(0), "the Build button");
    let s = s.apply(Action::LoadExample(1));
    expect(&s, Some(0), "an example");
    assert!(s.previous.is_some(), "the edited project is kept");
    let s = s.apply(Action::Restore);
    expect(&s, Some(0), "Restore");
    assert_eq!(
        s.project.files.len(),
        1,
        "the restored project has its file"
    );
    let s = s.apply(Action::LoadLesson(0));
    expect(&s, Some(0), "a lesson");
}

const TUTORIAL: &str = "FROM busybox\nRUN mkdir /sanchuang\nRUN touch /sanchuang/f{1..10}.txt\n\
                        RUN rm -rf /sanchuang/f1.txt\nCMD [\"/bin/sh\"]";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_tutorial_builds_four_layers_and_rebuilds_from_the_cache() {
    use crate::build::{Change, LineKind};
    let mut session = Session::new();
    let v = build(&mut session, TUTORIAL, 1_700_000_000_000.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.layers.len(), 4);
    assert!(v
        .log
        .iter()
        .any(|l| l.text == "#2 [2/4] RUN mkdir /sanchuang"));
    assert!(v
        .log
        .iter()
        .any(|l| l.kind == LineKind::Done && l.text.starts_with("#2 DONE (cache miss: ")));
    assert!(v.layers[2]
        .created_by
        .contains("touch /sanchuang/f{1..10}.txt"));
    let touched = &v.layers[2].entries;
    assert!(touched
        .iter()
        .any(|e| e.path == "/sanchuang/f{1..10}.txt" && e.change == Change::Added));
    assert_eq!(v.history.len(), 5);
    assert!(v.history[0].created_by.contains("CMD [\"/bin/sh\"]"));
    assert_eq!(v.history[0].image.len(), 12);
    assert_eq!(v.history[1].image, "<missing>");

    let again = build(&mut session, TUTORIAL, 1_700_000_001_000.0);
    assert_eq!((again.ran, again.cached), (0, 3));
    assert!(
        again
            .log
            .iter()
            .filter(|l| l.kind == LineKind::Cached)
            .count()
            == 4 // the three RUN steps, and FROM (BuildKit: CACHED for a base image it has)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_whiteout_is_shown_as_its_tar_entry() {
    use crate::build::Change;
    let text = "FROM busybox\nRUN mkdir /d && touch /d/f1.txt /d/f2.txt\nRUN rm /d/f1.txt\n";
    let v = build(&mut Session::new(), text, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let deleted: Vec<_> = v.layers[2]
        .entries
        .iter()
        .filter(|e| e.change == Change::Deleted)
        .collect();
    assert_eq!(deleted.len(), 1, "{:?}", v.layers[2].entries);
    assert_eq!(deleted[0].path, "/d/f1.txt");
    assert_eq!(deleted[0].tar_name, "d/.wh.f1.txt");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wasted_bytes_say_which_layer_deleted_them() {
    let text = "FROM busybox\nRUN head -c 1000000 /dev/zero > /big.bin\nRUN echo x > /a\nRUN rm /big.bin\n";
    let v = build(&mut Session::new(), text, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.layers[1].wasted, 1_000_000);
    assert_eq!(
        v.layers[1].waste,
        ["/big.bin deleted in layer 4 still takes 1MB here"]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_failed_build_points_at_its_line() {
    let text = "FROM busybox\nRUN mkdir /x\nRUN nosuchcommand\n";
    let v = build(&mut Session::new(), text, 0.0);
    let e = v.error.expect("the build fails");
    let at = e.at.expect("the error has a place");
    assert_eq!((at.line, at.col), (3, 1));
    assert_eq!(
        at.sel_start,
        utf16_offset(text, text.find("RUN nosuch").unwrap())
    );
    assert!(v.layers.is_empty());
    assert!(v.log.iter().any(|l| l.text == "#3 ERROR"), "{:?}", v.log);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sizes_read_like_docker_history() {
    use crate::build::human_size;
    assert_eq!(human_size(0), "0B");
    assert_eq!(human_size(12), "12B");
    assert_eq!(human_size(2_100_000), "2.1MB");
    assert_eq!(human_size(1_985_000), "1.99MB");
    assert_eq!(human_size(4_861_000), "4.86MB");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_build_is_current_only_for_the_text_it_built() {
    use std::rc::Rc;

    use crate::build::BuildView;
    let s = State::new();
    let text = s.project.dockerfile.clone();
    let project = s.project.clone();
    let built = s.apply(Action::Built {
        project: project.clone(),
        view: Rc::new(BuildView::default()),
        ms: 3,
    });
    assert!(built.build_current() && built.build.is_some());
    let edited = built.apply(Action::Edit(format!("{text}\n")));
    assert!(!edited.build_current() && edited.build.is_some());
    let late = edited.apply(Action::Built {
        project: project.clone(),
        view: Rc::new(BuildView::default()),
        ms: 3,
    });
    assert!(!late.build_current());
    // A change to the context makes the build stale too.
    let files = built.apply(Action::SetFiles(vec![ContextFile::text("a.txt", "a")]));
    assert!(!files.build_current());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn modelled_packages_are_labelled_notes_in_the_log() {
    use crate::build::LineKind;
    let v = build(
        &mut Session::new(),
        "FROM alpine\nRUN apk add --no-cache curl\n",
        0.0,
    );
    assert!(v.error.is_none(), "{:?}", v.error);
    let notes: Vec<_> = v.log.iter().filter(|l| l.kind == LineKind::Note).collect();
    assert!(
        notes
            .iter()
            .any(|l| l.text.starts_with("#2 [strata] modelled")),
        "{:?}",
        v.log
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_exec_bit_decides_whether_the_script_runs() {
    let mut session = Session::new();
    let v = session.build(&while_project(false), false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.tag, "ticker");
    let r = session.run("docker run --rm ticker", 0.0);
    assert_eq!(r.exit_code, 126, "{r:?}");
    assert!(r.stderr.contains("permission denied"), "{}", r.stderr);
    assert_eq!(r.argv, ["/while.sh"]);

    let v = session.build(&while_project(true), false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let r = session.run("docker run --rm ticker", 0.0);
    assert_eq!(
        (r.exit_code, r.stdout.as_str()),
        (0, "tick 1\ntick 2\ntick 3\n")
    );
    // Arguments after the image replace CMD; the explanation says which rule applied.
    let r = session.run("docker run --rm ticker echo hi", 0.0);
    assert_eq!((r.exit_code, r.stdout.as_str()), (0, "hi\n"));
    assert!(!r.rule.is_empty() && !r.explanation.is_empty(), "{r:?}");
    // A base image the simulator has runs as itself.
    let r = session.run("docker run busybox echo base", 0.0);
    assert_eq!(r.stdout, "base\n");
    assert!(r.image.starts_with("busybox:latest"), "{}", r.image);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_container_copies_up_what_it_changes_and_commits_as_a_new_layer() {
    let mut session = Session::new();
    let text = "FROM busybox\nRUN echo one > /data.txt\nCMD [\"sh\"]\n";
    let v = build(&mut session, text, 0.0);
    assert_eq!(v.layers.len(), 2);
    let r = session.run(
        "docker run playground sh -c 'echo two >> /data.txt; touch /new; rm /bin/ls'",
        0.0,
    );
    assert_eq!(r.exit_code, 0, "{r:?}");
    assert!(r.diff.contains(&"C /data.txt".to_string()), "{:?}", r.diff);
    assert!(r.diff.contains(&"A /new".to_string()), "{:?}", r.diff);
    assert!(r.diff.contains(&"D /bin/ls".to_string()), "{:?}", r.diff);
    let copied = r
        .layer
        .iter()
        .find(|e| e.path == "/data.txt")
        .expect("copied up");
    assert_eq!(
        (copied.change, copied.below),
        (crate::build::Change::Changed, Some(1))
    );
    assert!(r.layer.iter().any(|e| e.tar_name == "bin/.wh.ls"));

    let (reply, _) = session.handle(Request::Commit { now_ms: 0.0 });
    let Reply::Built { view, .. } = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(view.layers.len(), 3);
    assert!(
        view.history[0].created_by.contains("echo two"),
        "{:?}",
        view.history[0]
    );
    let f = session.read("/data.txt");
    assert_eq!(f.text.as_deref(), Some("one\ntwo\n"));
    let o = f.origin.expect("a layer has it");
    assert_eq!((o.layer, o.shadows), (2, vec![1]));
    // As docker's commit does, the container's command becomes the image's CMD (the same core function as the
    // CLI's `strata commit`).
    let inspect: serde_json::Value = serde_json::from_str(&view.inspect).unwrap();
    assert_eq!(
        inspect[0]["Config"]["Cmd"],
        serde_json::json!(["sh", "-c", "echo two >> /data.txt; touch /new; rm /bin/ls"])
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_merged_view_says_where_each_path_comes_from() {
    let mut session = Session::new();
    let text = "FROM busybox\nRUN echo a > /f\nRUN echo b > /f\n";
    let v = build(&mut session, text, 0.0);
    let f = v
        .merged
        .iter()
        .find(|r| r.path == "/f")
        .expect("in the merged view");
    assert_eq!((f.origin.layer, f.origin.shadows.clone()), (2, vec![1]));
    let sh = v
        .merged
        .iter()
        .find(|r| r.path == "/bin/sh")
        .expect("from busybox");
    assert_eq!(sh.origin.layer, 0);
    let changed = v.layers[2].entries.iter().find(|e| e.path == "/f").unwrap();
    assert_eq!(changed.below, Some(1));
    assert!(v.inspect.contains("\"RootFS\""), "{}", v.inspect);
    let ids: serde_json::Value = serde_json::from_str(&v.inspect).unwrap();
    assert_eq!(ids[0]["Id"].as_str(), v.image_id.as_deref());
    assert_eq!(ids[0]["RootFS"]["Layers"].as_array().unwrap().len(), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_context_and_dockerignore_reach_the_build() {
    let mut session = Session::new();
    let project = Project {
        dockerfile: "FROM busybox\nCOPY . /app\n".to_string(),
        files: vec![
            ContextFile::text(".dockerignore", "secret.txt\n"),
            ContextFile::text("app/main.sh", "echo hi\n").executable(),
            ContextFile::text("secret.txt", "hunter2\n"),
        ],
        run_line: String::new(),
    };
    let v = session.build(&project, false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let paths: Vec<&str> = v.merged.iter().map(|r| r.path.as_str()).collect();
    assert!(paths.contains(&"/app/app/main.sh"), "{paths:?}");
    assert!(!paths.contains(&"/app/secret.txt"), "{paths:?}");
    let main = v
        .merged
        .iter()
        .find(|r| r.path == "/app/app/main.sh")
        .unwrap();
    assert_eq!(main.mode, "-rwxr-xr-x");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_classic_toggle_writes_steps_and_nop_history() {
    let mut session = Session::new();
    let project = Project {
        dockerfile: TUTORIAL.to_string(),
        ..Project::default()
    };
    let v = session.build(&project, true, 0.0);
    assert!(v.classic);
    assert!(
        v.log.iter().any(|l| l.text == "Step 1/5 : FROM busybox"),
        "{:?}",
        v.log
    );
    assert!(v
        .log
        .iter()
        .any(|l| l.text.starts_with("Successfully built ")));
    assert!(
        v.history[0].created_by.contains("#(nop)"),
        "{:?}",
        v.history[0]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_export_is_an_archive_with_the_built_image() {
    let mut session = Session::new();
    let v = build(&mut session, TUTORIAL, 0.0);
    for format in [ExportFormat::Docker, ExportFormat::Oci] {
        let (reply, bytes) = session.handle(Request::Export {
            format,
            run_line: "docker run --rm layers".to_string(),
        });
        let Reply::Exported {
            file_name, size, ..
        } = reply
        else {
            panic!("{reply:?}")
        };
        assert!(file_name.starts_with("layers-latest"), "{file_name}");
        let bytes = bytes.expect("the archive");
        assert_eq!(bytes.len() as u64, size);
        let images =
            strata_image::archive::read_archive(&bytes, &strata_image::layer::ReadLimits::DEFAULT)
                .unwrap();
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].tags, ["layers:latest"]);
        // The busybox model's layer is modelled: the download writes its bytes, so that layer's diff_id,
        // and with it the image ID, are the real ones, not the description's the preview showed. The
        // layers the RUN steps wrote hold real bytes and keep theirs.
        assert!(v.stand_ins);
        assert_ne!(Some(images[0].id().to_string()), v.image_id);
        let inspect: serde_json::Value = serde_json::from_str(&v.inspect).unwrap();
        let shown: Vec<String> = inspect[0]["RootFS"]["Layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect();
        let config = images[0].image_config().unwrap();
        let written: Vec<String> = config
            .rootfs
            .diff_ids
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(shown.len(), written.len());
        assert_ne!(
            shown[0], written[0],
            "the base model's layer is taken out with its bytes"
        );
        assert_eq!(
            shown[1..],
            written[1..],
            "the RUN layers hold real bytes either way"
        );
        for (blob, id) in images[0].layers.iter().zip(&config.rootfs.diff_ids) {
            assert_eq!(blob.diff_id, *id);
            assert!(!blob.bytes.windows(15).any(|w| w == b"STRATA.modelled"));
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn requests_and_replies_cross_as_json() {
    let req = Request::Build {
        project: while_project(true),
        classic: false,
        now_ms: 1.0,
        catalogue: Vec::new(),
        secrets: "tok=s3cret".to_string(),
    };
    let json = serde_json::to_string(&req).unwrap();
    assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), req);
    let (reply, _) = Session::new().handle(req);
    let json = serde_json::to_string(&reply).unwrap();
    assert_eq!(serde_json::from_str::<Reply>(&json).unwrap(), reply);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn hostile_dockerfiles_end_in_a_clear_error_on_their_step() {
    let many: String = (0..10_000)
        .map(|i| format!("RUN echo {i} > /f{i}\n"))
        .collect();
    for (body, line, want) in [
        ("RUN while true; do :; done\n".to_string(), 2, "limits"),
        (
            "RUN head -c 1073741824 /dev/zero > /big\n".to_string(),
            2,
            "limits",
        ),
        (many, 130, "max depth exceeded"),
    ] {
        let v = build(&mut Session::new(), &format!("FROM busybox\n{body}"), 0.0);
        let e = v
            .error
            .unwrap_or_else(|| panic!("{} does not fail: {:?}", &body[..20], v.log));
        assert!(e.message.contains(want), "{}", e.message);
        assert_eq!(e.at.map(|a| a.line), Some(line), "{}", e.message);
    }
}

/// `text` with each highlighted token written `[kind:text]`, for readable expectations.
fn marked(text: &str) -> String {
    use crate::highlight::tokens;
    let mut out = String::new();
    let mut at = 0;
    for t in tokens(text) {
        out.push_str(&text[at..t.start]);
        let kind = t.kind.class().trim_start_matches("tok-");
        out.push_str(&format!("[{kind}:{}]", &text[t.start..t.end]));
        at = t.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn highlighting_follows_the_parser() {
    let text = "# syntax=docker/dockerfile:1\n\
                # a comment\n\
                FROM --platform=$BUILDPLATFORM alpine:3.20 AS build\n\
                ENV A=1 B=\"two words\"\n\
                ARG V=${A:-x}\n\
                CMD [\"sh\", \"-c\"]\n\
                RUN echo 'no $X' \"$HOME\" \\\n  # inside\n  && ls\n\
                copy --from=build <<EOF /x\nhello $A\nEOF\n\
                ONBUILD RUN --mount=type=cache,target=/x echo\n";
    let expected = "[directive:# syntax=docker/dockerfile:1]\n\
                    [comment:# a comment]\n\
                    [keyword:FROM] [flag:--platform=][variable:$BUILDPLATFORM] alpine:3.20 [keyword:AS] [name:build]\n\
                    [keyword:ENV] [name:A]=1 [name:B]=[string:\"two words\"]\n\
                    [keyword:ARG] [name:V]=[variable:${A:-x}]\n\
                    [keyword:CMD] [[string:\"sh\"], [string:\"-c\"]]\n\
                    [keyword:RUN] echo [string:'no $X'] [string:\"][variable:$HOME][string:\"] [continuation:\\]\n\
                    [comment:  # inside]\n  && ls\n\
                    [keyword:copy] [flag:--from=]build [heredoc-marker:<<EOF] /x\n\
                    [heredoc:hello $A\n][heredoc-marker:EOF]\n\
                    [keyword:ONBUILD] [keyword:RUN] [flag:--mount=]type=cache,target=/x echo\n";
    assert_eq!(marked(text), expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn highlighting_knows_the_escape_directive_and_odd_input() {
    // With ` as the escape character, a trailing \ is a path, not a continuation.
    assert_eq!(
        marked("# escape=`\nCOPY a c:\\\nRUN a `\n b\n"),
        "[directive:# escape=`]\n[keyword:COPY] a c:\\\n[keyword:RUN] a [continuation:`]\n b\n"
    );
    // An escaped escape character ends the line; an unclosed quote runs to the end of the arguments.
    assert_eq!(
        marked("RUN echo \\\\\nRUN echo \"open\n"),
        "[keyword:RUN] echo \\\\\n[keyword:RUN] echo [string:\"open]\n"
    );
    // A `#` line in a heredoc body is body text; an unterminated body runs to the end.
    assert_eq!(
        marked("RUN <<-EOF\n# not a comment\n\tEOF\nRUN <<X\nabc"),
        "[keyword:RUN] [heredoc-marker:<<-EOF]\n[heredoc:# not a comment\n][heredoc-marker:\tEOF]\n\
         [keyword:RUN] [heredoc-marker:<<X]\n[heredoc:abc]"
    );
    // Nothing to highlight, and text that is not ASCII.
    assert_eq!(marked(""), "");
    assert_eq!(
        marked("\u{FEFF}# é\nLABEL é=\"ü\""),
        "\u{FEFF}[comment:# é]\n[keyword:LABEL] [name:é]=[string:\"ü\"]"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn underlines_follow_the_text_until_the_next_analysis() {
    use crate::analysis::byte_offset;
    use crate::highlight::underlines;
    let old = "FROM alpine\nFORM é\nFORM x\n";
    let a = analyze(old);
    let now = underlines(&a, old);
    let at = |u: &crate::highlight::Underline, text: &str| text[u.start..u.end].to_string();
    let errors = |us: &[crate::highlight::Underline], text: &str| -> Vec<(usize, String)> {
        us.iter()
            .filter(|u| u.severity == Severity::Error)
            .map(|u| (u.line, at(u, text)))
            .collect()
    };
    let forms = vec![(2, "FORM".to_string()), (3, "FORM".to_string())];
    assert_eq!(errors(&now, old), forms, "{now:?}");
    let first = now.iter().find(|u| u.line == 2).unwrap();
    let row = a.problems.iter().find(|r| r.line == 2).unwrap();
    assert!(
        first
            .note
            .starts_with(&format!("{}: {}", row.code, row.message)),
        "{}",
        first.note
    );
    // Typing on line 1 moves the later problems; typing on line 2 drops its problem and keeps line 3's.
    let typed = "FROM alpine:3\nFORM é\nFORM x\n";
    let moved = underlines(&a, typed);
    // The untagged-`alpine` warning touches the edit (`alpine` + `:3`): dropped until the next analysis.
    assert_eq!(moved.len(), now.len() - 1);
    assert_eq!(errors(&moved, typed), forms);
    let edited = "FROM alpine\nFORMX é\nFORM x\n";
    let kept = underlines(&a, edited);
    assert_eq!(errors(&kept, edited), vec![(3, "FORM".to_string())]);
    // A new line before line 2 moves it; a space after `FORM` keeps it.
    let inserted = "FROM alpine\nRUN x\nFORM é\nFORM x\n";
    let below = vec![(3, "FORM".to_string()), (4, "FORM".to_string())];
    assert_eq!(errors(&underlines(&a, inserted), inserted), below);
    let spaced = "FROM alpine\nFORM  é\nFORM x\n";
    assert_eq!(errors(&underlines(&a, spaced), spaced), forms);
    // The warning on `é`, after the edit on its line, moves with it.
    assert!(
        kept.iter().any(|u| u.line == 2 && at(u, edited) == "é"),
        "{kept:?}"
    );
    assert_eq!(byte_offset("aé😀b", 4), "aé😀".len());
    assert_eq!(byte_offset("aé😀b", 3), "aé".len());
    assert_eq!(byte_offset("aé", 9), 3);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn segments_cover_the_text_once_with_tokens_and_problems() {
    use crate::highlight::{segments, tokens, Kind, Underline};
    let text = "FROM a\nRUN b";
    let u = |start, end, severity| Underline {
        start,
        end,
        line: 1,
        severity,
        note: String::new(),
    };
    let lines = [
        u(0, 6, Severity::Warning),
        u(2, 4, Severity::Error),
        u(12, 12, Severity::Info),
    ];
    let segs = segments(text, &tokens(text), &lines);
    let shown: Vec<_> = segs
        .iter()
        .map(|s| {
            (
                &text[s.start..s.end],
                s.kind,
                s.severity,
                s.problems.clone(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("FR", Some(Kind::Keyword), Some(Severity::Warning), vec![0]),
            ("OM", Some(Kind::Keyword), Some(Severity::Error), vec![0, 1]),
            (" a", None, Some(Severity::Warning), vec![0]),
            ("\n", None, None, vec![]),
            ("RUN", Some(Kind::Keyword), None, vec![]),
            (" b", None, None, vec![]),
            ("", None, Some(Severity::Info), vec![2]),
        ]
    );
    assert_eq!(segments("", &[], &[]), vec![]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_caret_line_and_column_count_utf16() {
    use crate::analysis::line_col_utf16;
    let text = "FROM é\nRUN 😀 x";
    assert_eq!(line_col_utf16(text, 0), (1, 1));
    assert_eq!(line_col_utf16(text, 7), (2, 1));
    assert_eq!(line_col_utf16(text, 13), (2, 6));
    assert_eq!(line_col_utf16(text, 99), (2, 8));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_lesson_keeps_the_edited_project_for_restore() {
    let s = State::new().apply(Action::Edit("FROM busybox\nRUN echo mine\n".to_string()));
    let lesson = s.apply(Action::LoadLesson(0));
    assert_ne!(lesson.project.dockerfile, s.project.dockerfile);
    assert_eq!(
        lesson.previous.as_deref().map(|p| p.dockerfile.as_str()),
        Some("FROM busybox\nRUN echo mine\n")
    );
    let back = lesson.apply(Action::Restore);
    assert_eq!(back.project.dockerfile, s.project.dockerfile);
    assert!(back.previous.is_none() && back.edited);
    // An unedited project is not kept.
    assert!(State::new().apply(Action::LoadLesson(0)).previous.is_none());
}

/// A first visit lands on an example that builds, with its context and its layers open; every example
/// loads with its context.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_first_visit_builds_and_every_example_brings_its_context() {
    use crate::state::{Origin, Tab};
    let s = State::new();
    assert!(s.first_visit && s.tab == Tab::Layers && s.origin == Origin::Example(0));
    assert!(EXAMPLES[0].fails.is_none());
    let mut session = Session::new();
    let view = session.build(&s.project, false, 0.0);
    assert!(
        view.error.is_none() && !view.layers.is_empty(),
        "{:?}",
        view.error
    );
    for (n, ex) in EXAMPLES.iter().enumerate() {
        let loaded = s.apply(Action::LoadExample(n));
        let paths: Vec<&str> = loaded
            .project
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        let want: Vec<&str> = ex.context.iter().map(|f| f.path).collect();
        assert_eq!(paths, want, "{}", ex.name);
        assert!(!loaded.first_visit && loaded.origin == Origin::Example(n));
    }
    assert!(!s
        .apply(Action::Edit("FROM busybox\n".to_string()))
        .project
        .files
        .is_empty());
}

/// The picker names what is loaded, and Reload loads that again (never the example loaded before it).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn reload_loads_what_was_loaded() {
    use crate::lessons::lessons;
    use crate::state::{Origin, Tab};
    let s = State::new().apply(Action::LoadExample(4));
    let lesson = s.apply(Action::LoadLesson(3));
    assert_eq!(lesson.origin, Origin::Lesson(3));
    assert_eq!(
        lesson.origin.label(),
        format!("Lesson 4: {}", lessons()[3].title)
    );
    let edited = lesson.apply(Action::Edit("FROM busybox\n".to_string()));
    assert_eq!(edited.origin, Origin::Lesson(3), "editing keeps the name");
    let again = edited.apply(Action::Reload);
    assert_eq!(*again.project, (lessons()[3].project)());
    assert!(again.origin == Origin::Lesson(3) && !again.edited);
    assert_eq!(
        again.previous.as_deref().map(|p| p.dockerfile.as_str()),
        Some("FROM busybox\n"),
        "the edits are kept for Restore"
    );
    // A share link's project comes back as the link had it.
    let shared = Project {
        dockerfile: "FROM busybox\nLABEL shared=1\n".to_string(),
        ..Project::default()
    };
    let link = edited.apply(Action::LoadProject {
        project: shared.clone(),
        tab: Tab::History,
        classic: false,
    });
    assert!(matches!(&link.origin, Origin::Link(p) if p.dockerfile == shared.dockerfile));
    let back = link
        .apply(Action::Edit("FROM alpine\n".to_string()))
        .apply(Action::Reload);
    assert_eq!(back.project.dockerfile, shared.dockerfile);
    // The user's own project has nothing to reload.
    let own = back.apply(Action::Edit("FROM x\n".to_string()));
    let restored = own.apply(Action::LoadExample(0)).apply(Action::Restore);
    assert_eq!(restored.origin, Origin::Saved);
    assert!(!restored.origin.reloadable());
    assert_eq!(restored.apply(Action::Reload).project, restored.project);
    // An autosaved project nobody changed is named as the example or lesson it is.
    use crate::state::origin_of;
    assert_eq!(origin_of(&State::new().project), Some(Origin::Example(0)));
    assert_eq!(origin_of(&again.project), Some(Origin::Lesson(3)));
    assert_eq!(origin_of(&shared), None);
    // An example reloads as itself.
    let ex = State::new()
        .apply(Action::LoadExample(2))
        .apply(Action::Edit("FROM y\n".to_string()))
        .apply(Action::Reload);
    assert_eq!(ex.project.dockerfile, EXAMPLES[2].text);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cached_run_shows_only_cached_still_coloured() {
    let text = "FROM busybox\nRUN echo hello\n";
    let mut session = Session::new();
    let first = build(&mut session, text, 0.0);
    assert!(
        first.log.iter().any(|l| l.text == "#2 hello"),
        "{:?}",
        first.log
    );
    let again = build(&mut session, text, 1.0);
    assert!(!again
        .log
        .iter()
        .any(|l| l.text.contains("hello") && !l.text.contains("RUN")));
    let cached: Vec<&str> = again
        .log
        .iter()
        .filter(|l| l.kind == crate::build::LineKind::Cached)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(cached, ["#1 CACHED", "#2 CACHED"]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_log_closes_with_the_cores_export_lines() {
    use crate::build::LineKind;
    let mut session = Session::new();
    let v = build(
        &mut session,
        "FROM busybox\nENV A=1\nRUN echo a > /f\n",
        0.0,
    );
    assert!(v.error.is_none(), "{:?}", v.error);
    let id = v.image_id.clone().unwrap();
    let tail: Vec<(LineKind, &str)> = v.log[v.log.len() - 5..]
        .iter()
        .map(|l| (l.kind, l.text.as_str()))
        .collect();
    // Two vertices (FROM and RUN; ENV has none), so the export is #3; docker names the tag as given, fully
    // qualified, without adding `:latest`.
    let writing = format!("#3 writing image {id} done");
    let naming = format!("#3 naming to docker.io/library/{} done", v.tag);
    assert_eq!(
        tail,
        vec![
            (LineKind::Step, "#3 exporting to image"),
            (LineKind::Output, "#3 exporting layers done"),
            (LineKind::Output, writing.as_str()),
            (LineKind::Output, naming.as_str()),
            (LineKind::Done, "#3 DONE"),
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn backticks_mark_code_and_a_lone_one_stays() {
    use crate::components::inline_code::code_spans;
    assert_eq!(
        code_spans("run `docker build .` then `ls`"),
        vec![
            (false, "run "),
            (true, "docker build ."),
            (false, " then "),
            (true, "ls")
        ]
    );
    assert_eq!(code_spans("a ` b"), vec![(false, "a ` b")]);
    assert_eq!(code_spans("`x`"), vec![(true, "x")]);
    assert_eq!(code_spans(""), Vec::<(bool, &str)>::new());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_program_strata_cannot_run_is_not_simulated_and_time_is_simulated() {
    let mut session = Session::new();
    // `python app.py` (lesson 7's run line): python exists, the simulator does not run it.
    let text = "FROM python:3.12-slim\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n";
    let p = Project {
        dockerfile: text.to_string(),
        files: vec![ContextFile::text("app.py", "print('hi')\n")],
        // The built image is named by the run line, as `docker build -t app` names it.
        run_line: "docker run --rm app".to_string(),
    };
    let v = session.build(&p, false, 0.0);
    assert!(v.error.is_none(), "{:?}", v.error);
    let r = session.run("docker run --rm app", 0.0);
    assert_eq!(
        r.not_simulated.as_deref(),
        Some("not simulated: /usr/local/bin/python3.12 exists in the image, but strata cannot run it"),
        "{r:?}"
    );
    // A program that is not there is still Docker's 127.
    let r = session.run("docker run --rm app nosuch", 0.0);
    assert_eq!((r.exit_code, r.not_simulated), (127, None));
    // The tutorial's loop: one line a simulated second, stopped as docker stop stops it.
    let r = session.run(
        "docker run --rm busybox sh -c 'while true; do echo hello; sleep 1; done'",
        0.0,
    );
    assert_eq!(r.exit_code, 137, "{r:?}");
    assert_eq!(r.timed_stdout.len(), 70);
    assert_eq!(r.timed_stdout[5], ("5s".to_string(), "hello".to_string()));
    assert!(
        r.timeline.iter().any(|l| l.contains("SIGKILL")),
        "{:?}",
        r.timeline
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_from_tag_strata_does_not_model_is_a_warning_on_the_from_line() {
    let mut session = Session::new();
    let v = build(
        &mut session,
        "FROM alpine:3.12\nRUN cat /etc/alpine-release\n",
        0.0,
    );
    assert!(v.error.is_none(), "{:?}", v.error);
    assert_eq!(v.warnings.len(), 1, "{:?}", v.warnings);
    let w = &v.warnings[0];
    assert!(
        w.message
            .starts_with("alpine:3.12 is not a version strata models"),
        "{}",
        w.message
    );
    let at = w.at.as_ref().unwrap();
    assert_eq!((at.line, at.col, at.sel_start, at.sel_end), (1, 6, 5, 16));
    let v = build(
        &mut session,
        "FROM alpine:3.19\nRUN cat /etc/alpine-release\n",
        0.0,
    );
    assert!(v.warnings.is_empty());
    assert!(
        v.log.iter().any(|l| l.text.ends_with(" 3.19.4")),
        "{:?}",
        v.log
    );
}
