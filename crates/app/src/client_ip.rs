//! Who is asking: the client's IP address, behind trusted reverse proxies or not.
//!
//! Without trusted proxies the client is the socket peer, and forwarded headers are ignored (anyone
//! can send them). When the peer is a trusted proxy, the client is the right-most address in
//! `X-Forwarded-For` that is not itself a trusted proxy — each proxy appends the address it saw,
//! so everything left of the last trusted hop may be forged. Only when a request carries no
//! `X-Forwarded-For` is RFC 7239 `Forwarded` read (`for=`): a proxy should set one of the two
//! and drop an incoming copy of the other.

use http::HeaderMap;
use std::net::IpAddr;
use std::str::FromStr;

/// One address or CIDR range, e.g. `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_match(u32::from(net).into(), u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_match(u128::from(net), u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The first `prefix` of `bits` bits of `a` and `b` are equal.
fn prefix_match(a: u128, b: u128, prefix: u8, bits: u8) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = u32::from(bits - prefix);
    (a >> shift) == (b >> shift)
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let network = IpAddr::from_str(addr)
            .map_err(|_| format!("{text:?} is not an IP address or CIDR range"))?
            .to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?} has a prefix length outside 0–{bits}"))?,
        };
        Ok(IpRange { network, prefix })
    }
}

/// `PFORTE_TRUSTED_PROXIES`: the reverse proxies whose forwarded headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list of addresses and CIDR ranges; empty means none.
    fn from_str(text: &str) -> Result<Self, String> {
        text.split(',')
            .filter(|part| !part.trim().is_empty())
            .map(IpRange::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_chain(headers).iter().rev() {
            // A hop that is not an address (garbage, "unknown", an obfuscated name) ends the
            // walk: the last address known is the best there is.
            let Some(ip) = hop.as_deref().and_then(parse_hop) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// The forwarded addresses, left (first client) to right (last proxy), as sent; `None` for a hop
/// that has no `for=` value.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<String>> {
    let joined = |name: &str| -> Option<Vec<String>> {
        // Bytes that are not visible ASCII spoil only their own hop, not the whole line.
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!values.is_empty()).then(|| {
            values
                .join(",")
                .split(',')
                .map(|hop| hop.trim().to_owned())
                .collect()
        })
    };
    if let Some(hops) = joined("x-forwarded-for") {
        return hops.into_iter().map(Some).collect();
    }
    joined("forwarded")
        .unwrap_or_default()
        .into_iter()
        .map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        })
        .collect()
}

/// One hop: `192.0.2.7`, `2001:db8::1`, `192.0.2.7:4711`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(hop) {
        return Some(ip.to_canonical());
    }
    let host = match hop.strip_prefix('[') {
        Some(rest) => rest.split_once(']')?.0,
        None => hop.split_once(':')?.0,
    };
    IpAddr::from_str(host).ok().map(|ip| ip.to_canonical())
}

/// The client's IP address, put into request extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &str) -> TrustedProxies {
        list.parse().expect("valid list")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            let value = http::HeaderValue::from_bytes(value.as_bytes()).expect("header value");
            map.append(*name, value);
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    use proptest::prelude::*;

    proptest! {
        /// Any list and any forwarded headers: no panic; without a hex digit or a colon in the
        /// header no address can be read from it, and the client is the peer.
        #[test]
        fn parsing_never_panics(
            list in prop_oneof![any::<String>(), "[0-9a-f.:/, ]{0,40}"],
            forwarded in prop_oneof![any::<String>(), "[0-9a-f.:\\[\\], ;=\"forFOR_]{0,60}"],
            peer in any::<std::net::IpAddr>(),
        ) {
            let _ = list.parse::<TrustedProxies>();
            let everyone = proxies("0.0.0.0/0, ::/0");
            for name in ["x-forwarded-for", "forwarded"] {
                let mut map = HeaderMap::new();
                if let Ok(value) = http::HeaderValue::from_str(&forwarded) {
                    map.insert(name, value);
                }
                let client = everyone.client_ip(peer, &map);
                if !forwarded.chars().any(|c| c.is_ascii_hexdigit() || c == ':') {
                    prop_assert_eq!(client, peer.to_canonical());
                }
            }
        }
    }

    #[test]
    fn ranges_parse_and_match() {
        let list = proxies("10.0.0.0/8, 192.0.2.7 ,2001:db8::/32");
        assert!(list.trusts(ip("10.200.3.4")));
        assert!(!list.trusts(ip("11.0.0.1")));
        assert!(list.trusts(ip("192.0.2.7")));
        assert!(!list.trusts(ip("192.0.2.8")));
        assert!(list.trusts(ip("2001:db8:ffff::1")));
        assert!(!list.trusts(ip("2001:db9::1")));
        assert!(
            list.trusts(ip("::ffff:10.1.2.3")),
            "IPv4-mapped peers match IPv4 ranges"
        );
        assert!(proxies("0.0.0.0/0").trusts(ip("203.0.113.9")));
        assert!(!proxies("0.0.0.0/0").trusts(ip("2001:db8::1")));
        assert_eq!(proxies(""), TrustedProxies::default());
        assert_eq!(proxies(" , "), TrustedProxies::default());
    }

    #[test]
    fn garbage_is_refused_with_the_value() {
        for bad in [
            "10.0.0.0/33",
            "2001:db8::/129",
            "example.com",
            "10.0.0/8",
            "1.2.3.4/x",
            "/8",
        ] {
            let err = bad.parse::<TrustedProxies>().expect_err(bad);
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn untrusted_peer_headers_are_ignored() {
        let forged = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ]);
        assert_eq!(
            TrustedProxies::default().client_ip(ip("203.0.113.9"), &forged),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies("10.0.0.0/8").client_ip(ip("203.0.113.9"), &forged),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_chain_yields_the_rightmost_untrusted_hop() {
        let list = proxies("10.0.0.0/8");
        // The client forged the first entry; the edge proxy 10.0.0.2 appended the real client.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &chain), ip("203.0.113.9"));
        // Several header lines form one list, in order.
        let lines = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &lines), ip("203.0.113.9"));
        // Only proxies in the chain: the left-most one is the client.
        let internal = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.2")]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &internal), ip("10.9.9.9"));
        // No header: the proxy itself.
        assert_eq!(
            list.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_and_ports() {
        let list = proxies("2001:db8::/32, 10.0.0.0/8");
        let chain = headers(&[("x-forwarded-for", "2001:db8:1::5, 2a00:1450::7")]);
        assert_eq!(
            list.client_ip(ip("2001:db8::1"), &chain),
            ip("2a00:1450::7")
        );
        let mapped = headers(&[("x-forwarded-for", "::ffff:203.0.113.9")]);
        assert_eq!(
            list.client_ip(ip("::ffff:10.0.0.1"), &mapped),
            ip("203.0.113.9")
        );
        let rfc = headers(&[(
            "forwarded",
            "for=198.51.100.3, for=\"[2a00:1450::7]:4711\";proto=https, For=10.0.0.2:80",
        )]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &rfc), ip("2a00:1450::7"));
    }

    #[test]
    fn a_bad_byte_spoils_only_its_own_hop() {
        let list = proxies("10.0.0.0/8");
        let mut map = HeaderMap::new();
        map.insert(
            "x-forwarded-for",
            http::HeaderValue::from_bytes(b"\xff\xfe, 203.0.113.9").expect("header"),
        );
        assert_eq!(list.client_ip(ip("10.0.0.1"), &map), ip("203.0.113.9"));
    }

    #[test]
    fn garbage_hops_stop_at_the_last_known_address() {
        let list = proxies("10.0.0.0/8");
        for value in ["", "unknown", "not-an-ip, 10.0.0.2", "🙂"] {
            let garbage = headers(&[("x-forwarded-for", value)]);
            let client = list.client_ip(ip("10.0.0.1"), &garbage);
            assert!(list.trusts(client), "{value:?} gave {client}");
        }
        let obfuscated = headers(&[("forwarded", "for=_hidden;proto=https")]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &obfuscated), ip("10.0.0.1"));
        let no_for = headers(&[("forwarded", "proto=https")]);
        assert_eq!(list.client_ip(ip("10.0.0.1"), &no_for), ip("10.0.0.1"));
    }
}
