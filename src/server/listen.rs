//! The accept loop: HTTP/1.1 on a TCP listener, with the client's address on every request,
//! a deadline for reading request headers, and a graceful stop.
//!
//! `axum::serve` sets no timer on hyper, so a client that sends half a header holds its
//! connection (and a task) for ever; a thousand of them exhaust the file descriptors. Here
//! hyper gets tokio's timer and a header deadline; body deadlines are a layer in `app`.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// A client must send its request line and headers within this time.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// After a stop signal, connections in flight get this long to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in front terminates,
/// and cleartext HTTP/2 would have no header deadline.
fn builder() -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder
}

/// Whether the client sends its first byte within the header deadline; hyper's deadline
/// only starts with the first byte, so a silent connection would otherwise stay open.
async fn speaks_in_time(stream: &tokio::net::TcpStream) -> bool {
    let mut first = [0u8; 1];
    matches!(
        tokio::time::timeout(HEADER_READ_TIMEOUT, stream.peek(&mut first)).await,
        Ok(Ok(1..))
    )
}

/// Serves `router` until `stop` completes, then drains open connections.
pub async fn serve(listener: TcpListener, router: Router, stop: impl Future<Output = ()>) {
    let builder = builder();
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service =
            router
                .clone()
                .map_request(move |mut request: axum::http::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            if !speaks_in_time(&stream).await {
                return;
            }
            let connection = builder
                .serve_connection_with_upgrades(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service),
                )
                .into_owned();
            let connection = watcher.watch(connection);
            // A client hanging up or timing out is not the server's error.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after {DRAIN_TIMEOUT:?}; stopping anyway");
    }
}

/// Completes on Ctrl-C or SIGTERM (what `kill`, systemd and container runtimes send).
pub async fn stop_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The client's socket address as the accept loop recorded it.
pub fn peer_of(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
}
