//! OBSERVED.md §3e, experiment `e`: the eight RUN steps' layers, reproduced exactly, through the copy-on-write
//! view and through `diff` of whole trees.

use std::sync::Arc;

use strata_image::layer::{read_layer, to_tar, ReadLimits};
use strata_image::{diff, Overlay, Timestamp, Tree};

use crate::support::{attrs, busybox, check_file, fs_listing, tar_listing, Fs};

fn t(step: i64) -> i64 {
    1_700_000_000 + 10 * step
}

/// The filesystem effect of step `n` of experiment `e` (what the busybox shell would do).
pub fn run_step(fs: &mut dyn Fs, n: i64) {
    let now = Timestamp::from_secs(t(n));
    let dir = attrs(0o755, t(n));
    let file = attrs(0o644, t(n));
    let res = match n {
        // mkdir -p /data/dir /data/dir2 && echo keep > /data/keep.txt && echo gone > /data/gone.txt &&
        // echo old1 > /data/dir/old1.txt && echo old2 > /data/dir/old2.txt && echo x > /data/dir2/x.txt
        1 => (|| {
            fs.mkdir_all("/data/dir", dir.clone())?;
            fs.mkdir_all("/data/dir2", dir.clone())?;
            for (p, c) in [
                ("/data/keep.txt", "keep\n"),
                ("/data/gone.txt", "gone\n"),
                ("/data/dir/old1.txt", "old1\n"),
                ("/data/dir/old2.txt", "old2\n"),
                ("/data/dir2/x.txt", "x\n"),
            ] {
                fs.write(p, c.into(), file.clone(), now)?;
            }
            Ok(())
        })(),
        // rm /data/gone.txt
        2 => fs.remove_file("/data/gone.txt", now),
        // rm -rf /data/dir && mkdir /data/dir && echo new > /data/dir/new.txt
        3 => (|| {
            fs.remove_all("/data/dir", now)?;
            fs.mkdir("/data/dir", dir.clone())?;
            fs.write("/data/dir/new.txt", "new\n".into(), file.clone(), now)
        })(),
        // rm -rf /data/dir2 && echo now-a-file > /data/dir2
        4 => (|| {
            fs.remove_all("/data/dir2", now)?;
            fs.write("/data/dir2", "now-a-file\n".into(), file.clone(), now)
        })(),
        // rm /bin/vi /etc/group
        5 => fs
            .remove_file("/bin/vi", now)
            .and_then(|()| fs.remove_file("/etc/group", now)),
        // echo appended >> /data/keep.txt
        6 => fs.append("/data/keep.txt", b"appended\n", file.clone(), now),
        // chmod 600 /data/keep.txt
        7 => fs.set_mode("/data/keep.txt", 0o600),
        // touch /etc/passwd
        8 => fs.set_mtime("/etc/passwd", now),
        _ => unreachable!(),
    };
    res.unwrap_or_else(|e| panic!("step {n}: {e}"));
}

#[test]
fn layers_through_the_copy_on_write_view() {
    let mut lower = busybox();
    for n in 1..=8 {
        let mut ov = Overlay::new(Arc::new(lower.clone()));
        run_step(&mut ov, n);
        let layer = ov.changeset();
        // Through the tar and back: what is compared is what a loader would read.
        let tar = to_tar(&layer).unwrap();
        let back = read_layer(&tar, &ReadLimits::DEFAULT).unwrap();
        assert_eq!(
            back, layer,
            "step {n}: the tar does not read back as written"
        );
        check_file(&format!("exp-e/L{n}.txt"), &back.listing());
        check_file(&format!("exp-e/L{n}.tar.txt"), &tar_listing(&back));
        back.apply(&mut lower).unwrap();
        let merged = ov.merged().unwrap();
        assert_eq!(
            fs_listing(&merged),
            fs_listing(&lower),
            "step {n}: merged view and applied layer differ"
        );
    }
    // What `docker run IMG cat /data/dir2 /data/keep.txt` and `ls /bin/vi /etc/group` show.
    assert_eq!(&*lower.read("/data/dir2").unwrap().bytes(), b"now-a-file\n");
    assert_eq!(
        &*lower.read("/data/keep.txt").unwrap().bytes(),
        b"keep\nappended\n"
    );
    assert!(!lower.exists("/bin/vi") && !lower.exists("/etc/group"));
    assert_eq!(lower.read_dir("/data/dir").unwrap(), ["new.txt"]);
}

#[test]
fn layers_through_diff_of_whole_trees() {
    let mut lower = busybox();
    for n in 1..=8 {
        let mut upper: Tree = lower.clone();
        run_step(&mut upper, n);
        let layer = diff(&lower, &upper);
        check_file(&format!("exp-e/L{n}.txt"), &layer.listing());
        check_file(&format!("exp-e/L{n}.tar.txt"), &tar_listing(&layer));
        lower = upper;
    }
}
