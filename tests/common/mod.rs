//! Helpers shared by the integration tests.

use std::path::Path;

#[allow(dead_code)]
pub(crate) mod html;
#[allow(dead_code)]
pub(crate) mod practice;
#[allow(dead_code)]
pub(crate) mod tree;

/// Copies the folder `from` to `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}
