// Package netguard decides which network addresses policywatch may connect
// to on behalf of content it does not control: crawled pages and their
// redirects, webhook targets. Only globally reachable unicast addresses
// are allowed unless private networks are allowed explicitly (tests,
// intranets).
//
// The table follows IANA's IPv4 and IPv6 Special-Purpose Address
// Registries: every block they do not mark globally reachable is refused,
// with addresses that embed an IPv4 address (IPv4-compatible IPv6, NAT64,
// 6to4) refused too, since they lead to the embedded address whatever it
// is; an IPv4-mapped address is checked as the IPv4 address it maps.
//
// netguard imports nothing of ours; it does no I/O of its own but DNS
// resolution in CheckHost.
package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// specialRange is one block of a special-purpose registry.
type specialRange struct {
	prefix netip.Prefix
	name   string
}

// specialRanges are the blocks no connection may go to. Sources: IANA IPv4
// Special-Purpose Address Registry and IPv6 Special-Purpose Address
// Registry, plus multicast and the reserved class E space. Blocks IANA
// marks globally reachable (192.0.0.9/32, 192.31.196.0/24, 2001:4860::/32
// and the like) are not listed, except where a wider block holds them and
// nothing a crawler needs lives there.
var specialRanges = func() []specialRange {
	table := []struct{ cidr, name string }{
		{"0.0.0.0/8", "this network"},
		{"10.0.0.0/8", "private use"},
		{"100.64.0.0/10", "shared address space (carrier-grade NAT, cloud metadata)"},
		{"127.0.0.0/8", "loopback"},
		{"169.254.0.0/16", "link local"},
		{"172.16.0.0/12", "private use"},
		{"192.0.0.0/24", "IETF protocol assignments"},
		{"192.0.2.0/24", "documentation (TEST-NET-1)"},
		{"192.88.99.0/24", "6to4 relay anycast (deprecated)"},
		{"192.168.0.0/16", "private use"},
		{"198.18.0.0/15", "benchmarking"},
		{"198.51.100.0/24", "documentation (TEST-NET-2)"},
		{"203.0.113.0/24", "documentation (TEST-NET-3)"},
		{"224.0.0.0/4", "multicast"},
		{"255.255.255.255/32", "limited broadcast"},
		{"240.0.0.0/4", "reserved"},

		{"::/128", "unspecified"},
		{"::1/128", "loopback"},
		{"::/96", "IPv4-compatible IPv6 (deprecated)"},
		{"64:ff9b::/96", "IPv4/IPv6 translation (NAT64)"},
		{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation"},
		{"100::/64", "discard only"},
		{"2001::/23", "IETF protocol assignments"},
		{"2001:db8::/32", "documentation"},
		{"2002::/16", "6to4"},
		{"3fff::/20", "documentation"},
		{"5f00::/16", "segment routing (SRv6) SIDs"},
		{"fc00::/7", "unique local"},
		{"fe80::/10", "link local"},
		{"fec0::/10", "site local (deprecated)"},
		{"ff00::/8", "multicast"},
	}
	out := make([]specialRange, len(table))
	for i, r := range table {
		out[i] = specialRange{prefix: netip.MustParsePrefix(r.cidr), name: r.name}
	}
	return out
}()

// BlockedAddressError says that an address is not one policywatch may
// connect to, and which special-purpose block it is in.
type BlockedAddressError struct {
	Address string // as given: an IP, host:port, or a host name and what it resolved to
	Range   string // the block's name, e.g. "private use"
}

func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("refusing to connect to non-public address %s (%s; allow it with the private-networks setting)", e.Address, e.Range)
}

// Check returns a *BlockedAddressError when ip is not globally reachable
// unicast.
func Check(ip netip.Addr) error {
	if !ip.IsValid() {
		return &BlockedAddressError{Address: ip.String(), Range: "invalid address"}
	}
	// An IPv4-mapped address is the IPv4 address it maps.
	ip = ip.WithZone("").Unmap()
	for _, r := range specialRanges {
		if r.prefix.Contains(ip) {
			return &BlockedAddressError{Address: ip.String(), Range: r.name}
		}
	}
	return nil
}

// IsPublic reports whether ip is globally reachable unicast.
func IsPublic(ip netip.Addr) bool { return Check(ip) == nil }

// Control is a net.Dialer Control function refusing non-public addresses.
// It runs on the resolved address of every connection, so neither a
// redirect nor a DNS answer can lead into a private network.
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedAddressError{Address: address, Range: "not an IP address"}
	}
	if err := Check(ap.Addr()); err != nil {
		err.(*BlockedAddressError).Address = address
		return err
	}
	return nil
}

// Resolver is the part of *net.Resolver CheckHost uses.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckHost checks a host name or IP literal before a connection that
// the dialer cannot check itself: through an HTTP proxy the dial goes to
// the proxy, so the target is resolved here and every address it has must
// be public. (The proxy resolves it again; a name that answers differently
// the second time is the proxy's to refuse.)
func CheckHost(ctx context.Context, resolver Resolver, host string) error {
	if ip, err := netip.ParseAddr(host); err == nil {
		return Check(ip)
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	addrs, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolving %s: %w", host, err)
	}
	for _, ip := range addrs {
		if err := Check(ip); err != nil {
			blocked := err.(*BlockedAddressError)
			blocked.Address = fmt.Sprintf("%s (%s)", host, blocked.Address)
			return blocked
		}
	}
	return nil
}
