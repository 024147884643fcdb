//! Who the client is, network-wise: the address login throttling counts and the log names.
//!
//! Behind a reverse proxy every request comes from the proxy, so its own address says nothing.
//! Proxies listed in `[server] trusted_proxies` are believed about who they forward for: the
//! client is the rightmost address in the forwarding header (`[server] forwarded_header`) that
//! is not itself a trusted proxy. Anything left of that was written by the client and may be a
//! lie. From any other peer the header is ignored. Only the one header the proxy writes is
//! read: a proxy that appends to `X-Forwarded-For` passes a client's own `Forwarded` header on
//! untouched, so believing both would let a client name any address it likes.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

pub use crate::config::ForwardedHeader;

/// The address in one comma-separated element of `header`, `None` when it is not one
/// (`unknown`, an obfuscated name, garbage).
fn element_address(header: ForwardedHeader, element: &str) -> Option<IpAddr> {
    let value = match header {
        ForwardedHeader::XForwardedFor => element.trim(),
        ForwardedHeader::Forwarded => element.split(';').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("for")
                .then_some(value.trim())
        })?,
    };
    parse_node(value.trim_matches('"'))
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            node.strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

/// The client's address, given the TCP peer, the request headers and the trusted proxies.
pub fn client_address(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[IpNet],
    header: ForwardedHeader,
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Every line of the header, in order, is one list.
    let elements: Vec<&str> = headers
        .get_all(header.name())
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .collect();
    let mut client = peer;
    for element in elements.iter().rev() {
        match element_address(header, element) {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            // A trusted proxy wrote something that is not an address: nothing further left can
            // be believed either.
            None => return client,
        }
    }
    client
}

/// The client address of a request under the service's settings; "unknown" without a peer
/// (only in in-process tests).
pub fn of_request(req: &HttpRequest, trusted: &[IpNet], header: ForwardedHeader) -> String {
    req.peer_addr().map_or_else(
        || "unknown".to_string(),
        |peer| client_address(peer.ip(), req.headers(), trusted, header).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_address(ip("10.0.0.5"), &h, &[], XFF), ip("10.0.0.5"));
        let trusted = nets(&["127.0.0.1/32"]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &h, &trusted, XFF),
            ip("198.51.100.7"),
            "an untrusted peer's header is ignored"
        );
    }

    #[test]
    fn the_rightmost_untrusted_entry_wins_so_a_forged_left_part_does_not() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged the first entry; the edge proxy appended the real address, an
        // inner proxy its own.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.2.3")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, XFF),
            ip("203.0.113.9")
        );
        // Two header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.9:5555"),
        ]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, XFF),
            ip("203.0.113.9")
        );
        // Only trusted hops: the leftmost of them.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.1.1.1")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, XFF),
            ip("10.9.9.9")
        );
        // No header from a trusted peer: the peer.
        assert_eq!(
            client_address(ip("127.0.0.1"), &HeaderMap::new(), &trusted, XFF),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_believed_hop() {
        let trusted = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.9, unknown, 10.1.1.1")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, XFF),
            ip("10.1.1.1")
        );
    }

    #[test]
    fn forwarded_elements_with_ports_quotes_and_ipv6_are_read() {
        let trusted = nets(&["127.0.0.1/32", "::1/128"]);
        let fwd = ForwardedHeader::Forwarded;
        let h = headers(&[(
            "forwarded",
            r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https;by=127.0.0.1"#,
        )]);
        assert_eq!(
            client_address(ip("::1"), &h, &trusted, fwd),
            ip("2001:db8:cafe::17")
        );
        let h = headers(&[("forwarded", "proto=https;For=\"198.51.100.2:80\"")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, fwd),
            ip("198.51.100.2")
        );
        // The X-Forwarded-For header is not read when Forwarded is configured, and back.
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &h, &trusted, fwd),
            ip("127.0.0.1")
        );
        // An IPv4 peer mapped into IPv6 matches an IPv4 network.
        assert_eq!(
            client_address(ip("::ffff:127.0.0.1"), &h, &trusted, XFF),
            ip("203.0.113.9")
        );
    }
}
