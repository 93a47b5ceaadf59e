//! The HTTP client that reads doctors' calendar addresses. The server fetches a URL a user
//! typed, so by default it refuses addresses on private networks (loopback, RFC 1918,
//! link-local, unique-local ...): a doctor's account must not become a way to reach the
//! clinic's internal services. The check is made on every address a name resolves to and
//! on every redirect, so neither DNS nor a redirect gets around it.
//! `BUSY_FEED_PRIVATE_ADDRESSES=true` allows them (a calendar server on the clinic's LAN).

use std::error::Error;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

const FETCH_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_REDIRECTS: usize = 3;

/// Why a calendar address was not read: it is on a private network.
#[derive(Debug)]
pub struct PrivateAddress;

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the address is on a private network")
    }
}

impl Error for PrivateAddress {}

/// Reads calendar addresses; cloned cheaply (one connection pool).
#[derive(Clone)]
pub struct FeedClient {
    http: reqwest::Client,
    allow_private: bool,
}

impl FeedClient {
    /// `allow_private` lifts the private-network rule.
    pub fn new(allow_private: bool) -> Self {
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if !allow_private && names_private_ip(attempt.url()) {
                attempt.error(PrivateAddress)
            } else {
                attempt.follow()
            }
        });
        let builder = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(redirects);
        let builder = if allow_private {
            builder
        } else {
            builder.dns_resolver(Arc::new(PublicOnly))
        };
        FeedClient {
            http: builder.build().unwrap_or_default(),
            allow_private,
        }
    }

    /// GETs `url` asking for iCalendar; the error is a sentence for the doctor.
    pub async fn get(&self, url: &str) -> Result<reqwest::Response, String> {
        let url = reqwest::Url::parse(url).map_err(|_| "The address is not a URL.".to_string())?;
        // An address written as an IP never reaches the resolver, so it is checked here.
        if !self.allow_private && names_private_ip(&url) {
            return Err(unreachable(PRIVATE));
        }
        self.http
            .get(url)
            .header(reqwest::header::ACCEPT, "text/calendar")
            .send()
            .await
            .map_err(|e| unreachable(reason(&e)))
    }
}

const PRIVATE: &str = "it is on a private network, which the server does not read from";

fn unreachable(why: &str) -> String {
    format!("The address could not be reached ({why}).")
}

/// Why a request failed, in a few words.
pub fn reason(error: &reqwest::Error) -> &'static str {
    if is_private_refusal(error) {
        PRIVATE
    } else if error.is_timeout() {
        "it took too long"
    } else if error.is_connect() {
        "no connection"
    } else if error.is_redirect() {
        "too many redirects"
    } else {
        "a network error"
    }
}

/// Whether the URL's host is an IP address (not a name) on a private network: such a URL
/// never reaches the resolver.
fn names_private_ip(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip))
}

/// Whether the error (or what caused it) is the private-network rule.
fn is_private_refusal(error: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<PrivateAddress>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// Resolves names with the system's resolver and keeps only public addresses.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|address| is_public(address.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(PrivateAddress) as Box<dyn Error + Send + Sync>);
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// An address on the public internet: not loopback, private, link-local, shared (CGNAT),
/// documentation, multicast, broadcast or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || ip.is_unspecified()
        || shared
        || this_network
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    let documentation = first == 0x2001 && ip.segments()[1] == 0x0db8;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!public(ip), "{ip} counted as public");
        }
    }

    #[test]
    fn internet_addresses_are_public() {
        for ip in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(public(ip), "{ip} counted as private");
        }
    }

    #[test]
    fn a_url_naming_a_private_ip_is_caught_before_resolving() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(names_private_ip(&url("http://127.0.0.1:8080/cal.ics")));
        assert!(names_private_ip(&url("http://[::1]/cal.ics")));
        assert!(names_private_ip(&url("https://169.254.169.254/latest/")));
        assert!(!names_private_ip(&url(
            "https://calendar.example.com/x.ics"
        )));
        assert!(!names_private_ip(&url("https://8.8.8.8/x.ics")));
    }
}
