package fetch

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// Guard decides which addresses the client may connect to. It is enforced
// in the dialer's Control function, which runs after DNS resolution with
// the very address about to be connected: a hostname resolving to a
// private address, a DNS answer that changes between two lookups (DNS
// rebinding) and a redirect to an internal host are all caught at the one
// place none of them can go around. No HTTP proxy is used for the same
// reason: the guard would see the proxy's address, not the target's.
type Guard struct {
	allow []netip.Prefix
}

// NewGuard returns a guard refusing every non-public address except those
// in allow (tests allow 127.0.0.1; a deployment may allow an internal
// news mirror).
func NewGuard(allow []netip.Prefix) *Guard {
	return &Guard{allow: append([]netip.Prefix(nil), allow...)}
}

// ParsePrefixes reads addresses ("127.0.0.1", "::1") and networks
// ("10.0.0.0/8") for an allow-list.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("allow-list entry %q: %w", s, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("allow-list entry %q: %w", s, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Check returns why ip may not be connected to, or "" if it may.
func (g *Guard) Check(ip netip.Addr) Reason {
	ip = ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(ip) {
			return ""
		}
	}
	return classify(ip)
}

// Control is a net.Dialer Control function refusing the connection when
// Check refuses its address.
func (g *Guard) Control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &RefusedError{URL: address, Reason: ReasonBadURL, Detail: "dialling a non-IP address"}
	}
	if reason := g.Check(ip); reason != "" {
		return &RefusedError{URL: address, Reason: reason, Detail: "address " + ip.String() + " is not public"}
	}
	return nil
}

var (
	// Instance-metadata endpoints: AWS/GCP/Azure/OpenStack, AWS ECS task
	// metadata, AWS IMDS over IPv6, Alibaba Cloud.
	metadataAddrs = []netip.Addr{
		netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("169.254.170.2"),
		netip.MustParseAddr("fd00:ec2::254"), netip.MustParseAddr("100.100.100.200"),
	}
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT
	reserved           = mustPrefixes(
		"0.0.0.0/8", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "240.0.0.0/4", // includes 255.255.255.255
		"100::/64", "2001:db8::/32", "2001::/32", // discard, documentation, Teredo
	)
	// Prefixes embedding an IPv4 address, which decides: NAT64 and 6to4.
	nat64     = mustPrefixes("64:ff9b::/96", "64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

func mustPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// classify returns why ip is not a public unicast address, or "".
func classify(ip netip.Addr) Reason {
	for _, m := range metadataAddrs {
		if ip == m {
			return ReasonMetadata
		}
	}
	switch {
	case !ip.IsValid():
		return ReasonBadURL
	case ip.IsUnspecified():
		return ReasonUnspecified
	case ip.IsLoopback():
		return ReasonLoopback
	case ip.IsMulticast():
		return ReasonMulticast
	case ip.IsLinkLocalUnicast():
		return ReasonLinkLocal
	case ip.IsPrivate(), sharedAddressSpace.Contains(ip):
		return ReasonPrivate
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return ReasonReserved
		}
	}
	if ip.Is6() {
		b := ip.As16()
		for _, p := range nat64 {
			if p.Contains(ip) {
				return classify(netip.AddrFrom4([4]byte(b[12:16])))
			}
		}
		if sixToFour.Contains(ip) {
			return classify(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return ""
}
