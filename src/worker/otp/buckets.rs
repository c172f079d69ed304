//! Client addresses as the OTP guard counts them: an IPv4 address alone, an
//! IPv4-mapped IPv6 address as its IPv4 address, and IPv6 per /64 (one host
//! commonly holds a whole /64) and per /48 (one site, about 65,000 /64s).
//! A requesting *network* is an IPv6 /48 or one IPv4 address: grouping IPv4
//! addresses (per /24) would make strangers behind one carrier share a budget.

use std::net::{IpAddr, Ipv6Addr};

/// The buckets one client address is counted in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBuckets {
    /// The address's own bucket: `"4:1.2.3.4"` or `"6:2001:db8:1:2::/64"`.
    pub host: String,
    /// The IPv6 /48 bucket (`"6:2001:db8:1::/48"`); `None` for IPv4.
    pub site: Option<String>,
}

impl AddressBuckets {
    /// The requesting network: the IPv6 /48, or the IPv4 address.
    pub fn network(&self) -> &str {
        self.site.as_deref().unwrap_or(&self.host)
    }
}

/// The buckets of `text` (an IPv4 or IPv6 address, as `CF-Connecting-IP`
/// gives it), or `None` when it is not an address (`1::2::3`, empty, a name).
///
/// ```
/// use edgetext::worker::otp::buckets::address_buckets;
/// assert_eq!(address_buckets("::ffff:1.2.3.4").unwrap().host, "4:1.2.3.4");
/// assert_eq!(address_buckets("2001:db8:1:2:3:4:5:6").unwrap().host, "6:2001:db8:1:2::/64");
/// assert_eq!(address_buckets("2001:db8:1:2::9").unwrap().network(), "6:2001:db8:1::/48");
/// assert_eq!(address_buckets("1.2.3.4").unwrap().network(), "4:1.2.3.4");
/// assert_eq!(address_buckets("1::2::3"), None);
/// ```
pub fn address_buckets(text: &str) -> Option<AddressBuckets> {
    let text = text.trim();
    if is_dotted_quad(text) {
        let mut host = String::with_capacity(text.len() + 2);
        host.push_str("4:");
        host.push_str(text);
        return Some(AddressBuckets { host, site: None });
    }
    let ip: IpAddr = text.parse().ok()?;
    let v6 = match ip {
        IpAddr::V4(v4) => return Some(AddressBuckets { host: format!("4:{v4}"), site: None }),
        IpAddr::V6(v6) => v6,
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(AddressBuckets { host: format!("4:{v4}"), site: None });
    }
    let s = v6.segments();
    let net64 = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
    let net48 = Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
    Some(AddressBuckets { host: format!("6:{net64}/64"), site: Some(format!("6:{net48}/48")) })
}

/// Whether `text` is an IPv4 address as std's parser reads it and its
/// `Display` writes it back (four octets of 0 to 255, no leading zero): such
/// an address is its own bucket text, with no parser or formatter compiled
/// on a fresh isolate's first request. Anything else goes to std's parser.
fn is_dotted_quad(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        let b = part.as_bytes();
        let digits = !b.is_empty() && b.len() <= 3 && b.iter().all(u8::is_ascii_digit);
        if !digits || (b.len() > 1 && b[0] == b'0') || b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')) > 255 {
            return false;
        }
        parts += 1;
    }
    parts == 4
}
