//! Accepting connections so that slow or many clients cannot hold the server: at most
//! `max_connections` served at once (more wait in the listen queue), a deadline for a request's
//! headers and for each piece of its body ([`Limits`]), and a
//! graceful shutdown that lets running requests finish.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::add_extension::AddExtensionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// How long a shutdown waits for running requests.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// What one client may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// A client must send a request's headers within this time.
    pub header_timeout: Duration,
    /// A request body that sends nothing for this long is cut off.
    pub body_idle_timeout: Duration,
}

impl Limits {
    pub fn new(max_connections: usize) -> Limits {
        Limits {
            max_connections,
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(20),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = ServiceBuilder::new()
            .layer(AddExtensionLayer::new(ConnectInfo(peer)))
            .layer(RequestBodyTimeoutLayer::new(limits.body_idle_timeout))
            .service(app.clone());
        let connection = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}
