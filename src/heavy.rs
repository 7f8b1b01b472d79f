//! CPU-heavy work of a request (reading an upload, rendering a report document) runs on
//! tokio's blocking threads, never on the async workers that answer every other request, and
//! at most [`limit`] pieces at once: the rest wait for a slot, so two or three large uploads
//! cannot take all the cores or all the memory. A panic inside comes back as [`Failed`] and is
//! logged; the caller answers 500 and its transaction, never committed, rolls back.

use std::sync::LazyLock;
use tokio::sync::Semaphore;

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(limit()));

/// How many heavy tasks run at once: the cores, at most 8.
pub fn limit() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

#[derive(Debug, thiserror::Error)]
#[error("{what} failed: {detail}")]
pub struct Failed {
    pub what: &'static str,
    pub detail: String,
}

/// Runs `f` on a blocking thread once a slot is free.
pub async fn run<T, F>(what: &'static str, f: F) -> Result<T, Failed>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let _slot = SLOTS.acquire().await.map_err(|e| Failed {
        what,
        detail: e.to_string(),
    })?;
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        let detail = if e.is_panic() {
            panic_message(e.into_panic().as_ref())
        } else {
            e.to_string()
        };
        tracing::error!(what, %detail, "heavy task failed");
        Failed { what, detail }
    })
}

/// The text a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_limit_run_at_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..limit() * 3 + 1)
            .map(|_| {
                let (running, most) = (Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(run("test", move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.expect("joined").expect("ran");
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            most >= 1 && most <= limit(),
            "{most} at once, limit {}",
            limit()
        );
    }

    #[tokio::test]
    async fn a_panic_inside_is_an_error_with_its_message() {
        let e = run("test", || -> u8 { panic!("boom {}", 1) })
            .await
            .expect_err("panicked");
        assert_eq!(e.detail, "boom 1");
        assert_eq!(run("test", || 7).await.expect("ran"), 7);
    }
}
