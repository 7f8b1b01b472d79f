//! Whole plans and their renderings kept in memory, keyed by the plan's revision.

use super::{StoreError, StoredPlan, load_plan, revision};
use crate::db::Db;
use std::collections::HashMap;

/// Renderings of one stored plan revision, by key (e.g. "page:bg", "json"). A new revision is a
/// new `StoredPlan` with an empty memo, so nothing stale is ever served.
#[derive(Debug, Default)]
pub struct Memo(std::sync::Mutex<HashMap<String, axum::body::Bytes>>);

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl Memo {
    /// The rendering stored under `key`, made by `make` the first time.
    pub fn get_or_try<E>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<String, E>,
    ) -> Result<axum::body::Bytes, E> {
        if let Ok(map) = self.0.lock()
            && let Some(hit) = map.get(key)
        {
            return Ok(hit.clone());
        }
        let made = axum::body::Bytes::from(make()?);
        if let Ok(mut map) = self.0.lock() {
            map.insert(key.to_string(), made.clone());
        }
        Ok(made)
    }
}

/// Whole plans kept in memory between requests; an entry is used only while its revision is
/// still the one in the database, so a save on any server is seen at once.
#[derive(Default)]
pub struct PlanCache {
    map: std::sync::Mutex<HashMap<i64, std::sync::Arc<StoredPlan>>>,
}

impl PlanCache {
    pub async fn get(
        &self,
        db: &Db,
        id: i64,
    ) -> Result<Option<std::sync::Arc<StoredPlan>>, StoreError> {
        let Some(current) = revision(db, id).await? else {
            return Ok(None);
        };
        if let Ok(map) = self.map.lock()
            && let Some(hit) = map.get(&id)
            && hit.revision == current
        {
            return Ok(Some(hit.clone()));
        }
        let Some(loaded) = load_plan(db, id).await? else {
            return Ok(None);
        };
        let loaded = std::sync::Arc::new(loaded);
        if let Ok(mut map) = self.map.lock() {
            map.insert(id, loaded.clone());
        }
        Ok(Some(loaded))
    }
}
