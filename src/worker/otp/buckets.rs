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
    let ip: IpAddr = text.trim().parse().ok()?;
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
