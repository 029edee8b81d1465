//! Containers: names reserved before anything runs, generated from a large space with docker's retries,
//! never shared, and a store a killed process left behind still reads.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use strata_image::{Changeset, Digest};
use strata_native::{ContainerRecord, Containers, Error, NewContainer};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("strata-containers-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn new(name: Option<&str>) -> NewContainer {
    NewContainer {
        name: name.map(str::to_owned),
        image: "busybox".to_owned(),
        image_id: Digest::of(b"config"),
        created: "2024-01-01T00:00:00Z".to_owned(),
        backend: "sim".to_owned(),
    }
}

/// Creates, "runs" and finishes a container, as `strata run` does.
fn run(c: &Containers, name: Option<&str>) -> Result<ContainerRecord, Error> {
    let mut rec = c.create(new(name))?;
    rec.command = vec!["true".to_owned()];
    rec.exit_code = Some(0);
    c.finish(&rec, &Changeset::default())?;
    Ok(rec)
}

#[test]
fn three_hundred_runs_on_one_store_all_get_distinct_names() {
    let dir = TempDir::new("300");
    let c = Containers::open(&dir.0).unwrap();
    let mut names = BTreeSet::new();
    for i in 0..300 {
        let rec = run(&c, None).unwrap_or_else(|e| panic!("run {i}: {e}"));
        assert!(
            names.insert(rec.name.clone()),
            "run {i}: {} again",
            rec.name
        );
    }
    let listed: BTreeSet<String> = c.list().unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(listed, names);
}

#[test]
fn a_name_in_use_is_refused_in_dockers_words_and_nothing_is_recorded() {
    let dir = TempDir::new("taken");
    let c = Containers::open(&dir.0).unwrap();
    let first = run(&c, Some("taken")).unwrap();
    let err = c.create(new(Some("/taken"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Conflict. The container name \"/taken\" is already in use by container \"{}\". You have to \
             remove (or rename) that container to be able to reuse that name.",
            first.id
        )
    );
    assert_eq!(c.list().unwrap().len(), 1);
    let err = c.create(new(Some("a"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    );
    // Once removed, the name is free again.
    c.remove("taken").unwrap();
    run(&c, Some("taken")).unwrap();
}

#[test]
fn concurrent_creations_never_share_a_name() {
    let dir = TempDir::new("concurrent");
    let root = dir.0.clone();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || {
                let c = Containers::open(&root).unwrap();
                let mut mine = Vec::new();
                for _ in 0..25 {
                    mine.push(run(&c, None).unwrap().name);
                }
                let same = c.create(new(Some("contested"))).is_ok();
                (mine, same)
            })
        })
        .collect();
    let mut names = BTreeSet::new();
    let mut won = 0;
    for t in threads {
        let (mine, same) = t.join().unwrap();
        won += usize::from(same);
        for n in mine {
            assert!(names.insert(n.clone()), "{n} twice");
        }
    }
    assert_eq!(won, 1, "exactly one creation gets a contested name");
}

#[test]
fn a_created_container_reads_back_before_it_finishes_and_a_removed_one_stays_removed() {
    let dir = TempDir::new("lifecycle");
    let c = Containers::open(&dir.0).unwrap();
    let rec = c.create(new(None)).unwrap();
    let found = c.find(&rec.name).unwrap();
    assert_eq!(found.exit_code, None);
    assert_eq!(c.upper(&found).unwrap(), Changeset::default());
    c.remove(&rec.id[..12]).unwrap();
    let mut done = rec.clone();
    done.exit_code = Some(0);
    c.finish(&done, &Changeset::default()).unwrap();
    assert!(
        c.list().unwrap().is_empty(),
        "finishing does not bring it back"
    );
}

#[test]
fn what_a_killed_process_leaves_is_ignored_then_swept() {
    let dir = TempDir::new("killed");
    let c = Containers::open(&dir.0).unwrap();
    let kept = run(&c, Some("kept")).unwrap();
    let containers = dir.0.join("containers");
    // A creation killed before its record, a removal killed before its deletion, a torn write.
    fs::create_dir(containers.join("0".repeat(64))).unwrap();
    fs::create_dir(containers.join(".tmp-rm-1-0")).unwrap();
    fs::write(containers.join(".tmp-2-0"), b"{").unwrap();
    assert_eq!(c.list().unwrap(), vec![c.find("kept").unwrap()]);
    run(&c, None).unwrap();
    let left: BTreeSet<String> = fs::read_dir(&containers)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&kept.id));
}
