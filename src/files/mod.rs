//! Files kept under `data_dir` by their SHA-256 (`evidence/`, `reports/`, `decisions/`, each
//! `xx/<sha256>`): evidence, adopted reports, council decisions. One way in and one way to
//! account for them:
//! - [`stage`] writes the bytes under a temporary name next to their place; [`Staged::keep`]
//!   makes the file permanent and is called only after the transaction that refers to it has
//!   committed. A staged file that is not kept (the upload was refused, the transaction failed)
//!   is removed when dropped, so nothing stays on disk without a row.
//! - [`referenced`] lists every file the database refers to (with its checksum); [`check`]
//!   compares that with the disk: missing or damaged files, and files no row refers to
//!   (`planmon check`; `planmon backup` archives the referenced ones).
//! - [`accept`] decides which uploaded files and links are accepted at all.

pub mod accept;

use crate::db::Db;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The folders of `data_dir` that hold stored files.
pub const FOLDERS: [&str; 3] = ["evidence", "reports", "decisions"];

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file written under a temporary name, not yet permanent.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    full: PathBuf,
    /// Path relative to `data_dir`, as rows store it.
    pub path: String,
    pub sha256: String,
    kept: bool,
}

/// Writes `bytes` for `folder` under a temporary name; see the module comment.
pub fn stage(data_dir: &Path, folder: &str, bytes: &[u8]) -> std::io::Result<Staged> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let sha256 = sha256_hex(bytes);
    let relative = PathBuf::from(folder).join(&sha256[..2]).join(&sha256);
    let full = data_dir.join(&relative);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temp = full.with_file_name(format!(
        "{sha256}.{}-{}.part",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&temp, bytes)?;
    Ok(Staged {
        temp,
        full,
        path: relative.to_string_lossy().into_owned(),
        sha256,
        kept: false,
    })
}

impl Staged {
    /// Makes the file permanent: call after the transaction that refers to it committed.
    pub fn keep(mut self) -> std::io::Result<()> {
        self.kept = true;
        if self.full.exists() {
            // The same content is already kept (files are named by their checksum).
            std::fs::remove_file(&self.temp)
        } else {
            std::fs::rename(&self.temp, &self.full)
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Every stored file the database refers to: relative path → SHA-256.
pub async fn referenced(db: &Db) -> sqlx::Result<BTreeMap<String, String>> {
    let mut conn = db.pool.acquire().await?;
    referenced_in(&mut conn).await
}

/// [`referenced`] on a given connection (a backup's snapshot transaction).
pub async fn referenced_in(
    conn: &mut sqlx::AnyConnection,
) -> sqlx::Result<BTreeMap<String, String>> {
    let mut all = BTreeMap::new();
    for sql in [
        "SELECT stored_path, sha256 FROM update_evidence WHERE stored_path IS NOT NULL",
        "SELECT path, sha256 FROM annual_report_files",
        "SELECT decision_path, decision_sha256 FROM annual_reports \
         WHERE decision_path IS NOT NULL",
        "SELECT file_path, file_sha256 FROM council_acts WHERE file_path IS NOT NULL",
        "SELECT path, sha256 FROM area_report_files",
        "SELECT decision_path, decision_sha256 FROM area_reports WHERE decision_path IS NOT NULL",
    ] {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
        for (path, sha) in rows {
            all.insert(path, sha.unwrap_or_default());
        }
    }
    Ok(all)
}

/// Every file under the stored-file folders of `data_dir`, relative paths.
pub fn on_disk(data_dir: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for folder in FOLDERS {
        let mut pending = vec![data_dir.join(folder)];
        while let Some(dir) = pending.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            for entry in entries {
                let entry = entry?;
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    pending.push(path);
                } else if let Ok(rel) = path.strip_prefix(data_dir) {
                    found.insert(rel.to_string_lossy().into_owned());
                }
            }
        }
    }
    Ok(found)
}

/// What [`check`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Files the database refers to that were read and match their checksum.
    pub ok: usize,
    /// Referred to, not on disk.
    pub missing: Vec<String>,
    /// On disk with other content than the checksum the database holds.
    pub damaged: Vec<String>,
    /// On disk, referred to by no row (including temporary files of interrupted uploads).
    pub orphans: Vec<String>,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.damaged.is_empty() && self.orphans.is_empty()
    }
}

/// Compares the stored files with the rows that refer to them (reads every file).
pub async fn check(db: &Db, data_dir: &Path) -> anyhow::Result<CheckReport> {
    let referenced = referenced(db).await?;
    let disk = on_disk(data_dir)?;
    let mut report = CheckReport::default();
    for (path, sha) in &referenced {
        match std::fs::read(data_dir.join(path)) {
            Ok(bytes) if sha.is_empty() || sha256_hex(&bytes) == *sha => report.ok += 1,
            Ok(_) => report.damaged.push(path.clone()),
            Err(_) => report.missing.push(path.clone()),
        }
    }
    report.orphans = disk
        .into_iter()
        .filter(|p| !referenced.contains_key(p))
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_file_is_kept_only_when_asked_and_named_by_its_checksum() {
        let dir = tempfile::tempdir().expect("tempdir");
        let staged = stage(dir.path(), "evidence", b"abc").expect("stage");
        assert_eq!(
            staged.path,
            format!("evidence/ba/{}", sha256_hex(b"abc")),
            "named by checksum"
        );
        assert_eq!(on_disk(dir.path()).expect("disk").len(), 1, "only the temp");
        assert!(!dir.path().join(&staged.path).exists());
        let path = staged.path.clone();
        staged.keep().expect("keep");
        assert!(dir.path().join(&path).exists());
        // Refused or failed: the temporary file goes away, the kept one stays.
        drop(stage(dir.path(), "evidence", b"abc").expect("stage"));
        drop(stage(dir.path(), "evidence", b"other").expect("stage"));
        assert_eq!(
            on_disk(dir.path()).expect("disk"),
            BTreeSet::from([path.clone()])
        );
        // Keeping the same content twice is fine.
        stage(dir.path(), "evidence", b"abc")
            .expect("stage")
            .keep()
            .expect("keep");
        assert_eq!(on_disk(dir.path()).expect("disk"), BTreeSet::from([path]));
    }
}
