//! Attempt limits for log-in, registration and booking: fixed windows counted in memory per
//! key (an account, a client address). Each app process counts on its own, so behind a load
//! balancer with N processes a client gets at most N times the limit; that still turns an
//! unlimited guessing rate into a small, fixed one without a shared store.

use crate::error::AppError;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `max` counted events per key within `window`; then the key waits until the
/// window that filled up ends, so nobody is locked out for longer than one window.
pub struct Limiter {
    max: u32,
    window: Duration,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// Above this many keys, expired windows are dropped so the map cannot grow without bound.
const PRUNE_ABOVE: usize = 10_000;

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Limiter {
        Limiter {
            max,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The refusal for a key whose window is full: how long until it ends, rounded up so that
    /// retrying after the stated seconds always finds the window over.
    fn refusal(&self, window: Option<&Window>, now: Instant) -> Result<(), AppError> {
        let elapsed = window.map(|w| (now.duration_since(w.started), w.count));
        match elapsed {
            Some((elapsed, count)) if elapsed < self.window && count >= self.max => {
                let seconds = (self.window - elapsed).as_millis().div_ceil(1000);
                Err(AppError::TooManyRequests {
                    retry_after: u64::try_from(seconds).unwrap_or(u64::MAX).max(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// `Err(TooManyRequests)` while `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        self.refusal(self.lock().get(key), Instant::now())
    }

    /// Counts one event for `key`, in the window `windows` holds for it.
    fn count(&self, windows: &mut HashMap<String, Window>, key: &str, now: Instant) {
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let window = windows.entry(key.to_string()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(window.started) >= self.window {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        window.count += 1;
    }

    /// Counts one event for `key`.
    pub fn hit(&self, key: &str) {
        self.count(&mut self.lock(), key, Instant::now());
    }

    /// Checks, then counts, under one lock (so concurrent attempts cannot all slip through):
    /// for limits on every attempt rather than on failures.
    pub fn take(&self, key: &str) -> Result<(), AppError> {
        let now = Instant::now();
        let mut windows = self.lock();
        self.refusal(windows.get(key), now)?;
        self.count(&mut windows, key, now);
        Ok(())
    }

    /// Forgets `key`, e.g. an account's failures after a successful log-in.
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// The limits one app process enforces. Log-in failures are counted per account and per
/// client address; a success clears the account's count. A full window answers 429 with
/// `Retry-After` before any password is checked, so guessing also stops costing CPU.
pub struct Throttles {
    /// Wrong passwords for one account: 5 a minute, so a real user waits at most a minute.
    pub login_account: Limiter,
    /// Wrong passwords from one address, over all accounts.
    pub login_addr: Limiter,
    /// Registrations refused because the email has an account, per address: the answer says
    /// whether an account exists, so probing for accounts is slowed down.
    pub register_addr: Limiter,
    /// Booking attempts per patient account.
    pub booking_account: Limiter,
}

impl Throttles {
    pub fn new(booking_attempts_per_minute: u32) -> Self {
        let minute = Duration::from_secs(60);
        Throttles {
            login_account: Limiter::new(5, minute),
            login_addr: Limiter::new(30, minute),
            register_addr: Limiter::new(10, 10 * minute),
            booking_account: Limiter::new(booking_attempts_per_minute, minute),
        }
    }
}

/// The address a request came from: the TCP peer the accept loop recorded, or, behind
/// `TRUSTED_PROXIES` = N proxies, the N-th address from the right of `X-Forwarded-For`: the
/// one the outermost trusted proxy saw. Entries further left are written by the client and
/// could be anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    pub fn from_request(peer: SocketAddr, forwarded_for: Option<&str>, proxies: usize) -> Self {
        if proxies == 0 {
            return ClientAddr(peer.ip());
        }
        let hops: Vec<&str> = forwarded_for
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        hops.len()
            .checked_sub(proxies)
            .and_then(|i| hops.get(i))
            .and_then(|hop| hop.parse().ok())
            .map(ClientAddr)
            // Fewer hops than proxies: the request did not come through them all.
            .unwrap_or(ClientAddr(peer.ip()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_is_refused_until_it_ends() {
        let limiter = Limiter::new(2, Duration::from_secs(60));
        limiter.take("a").unwrap();
        limiter.take("a").unwrap();
        match limiter.take("a") {
            Err(AppError::TooManyRequests { retry_after }) => {
                assert!((1..=60).contains(&retry_after))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        limiter.take("b").unwrap();
        limiter.reset("a");
        limiter.take("a").unwrap();
    }

    #[test]
    fn an_expired_window_starts_over() {
        let limiter = Limiter::new(1, Duration::from_millis(20));
        limiter.take("a").unwrap();
        assert!(limiter.check("a").is_err());
        std::thread::sleep(Duration::from_millis(30));
        limiter.take("a").unwrap();
    }

    #[test]
    fn the_client_is_the_address_the_trusted_proxy_saw() {
        let peer: SocketAddr = "10.0.0.2:5000".parse().unwrap();
        let direct = ClientAddr::from_request(peer, Some("1.2.3.4"), 0);
        assert_eq!(direct.0.to_string(), "10.0.0.2");
        // The client forged the first entry; the proxy appended the real one.
        let proxied = ClientAddr::from_request(peer, Some("6.6.6.6, 203.0.113.9"), 1);
        assert_eq!(proxied.0.to_string(), "203.0.113.9");
        let two = ClientAddr::from_request(peer, Some("6.6.6.6, 203.0.113.9, 10.0.0.1"), 2);
        assert_eq!(two.0.to_string(), "203.0.113.9");
        let missing = ClientAddr::from_request(peer, None, 1);
        assert_eq!(missing.0.to_string(), "10.0.0.2");
    }
}
