package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestSpecialPurposeAddressesAreRefused(t *testing.T) {
	for addr, block := range map[string]string{
		"127.0.0.1":       "loopback",
		"10.1.2.3":        "private use",
		"172.20.0.1":      "private use",
		"192.168.1.1":     "private use",
		"169.254.169.254": "link local",
		"100.100.100.200": "shared address space", // Alibaba Cloud's metadata service
		"100.64.0.1":      "shared address space",
		"198.18.0.1":      "benchmarking",
		"240.0.0.1":       "reserved",
		"255.255.255.255": "limited broadcast",
		"224.0.0.251":     "multicast",
		"0.0.0.0":         "this network",
		"192.0.2.10":      "documentation",
		"::1":             "loopback",
		"::":              "unspecified",
		"::10.0.0.1":      "IPv4-compatible",
		"::ffff:10.0.0.1": "private use", // IPv4-mapped: checked as the IPv4 address
		"64:ff9b::a00:1":  "NAT64",
		"2002:a00:1::1":   "6to4",
		"fd00::1":         "unique local",
		"fe80::1":         "link local",
		"ff02::1":         "multicast",
		"2001:db8::1":     "documentation",
	} {
		err := Check(netip.MustParseAddr(addr))
		var blocked *BlockedAddressError
		if !errors.As(err, &blocked) || !strings.Contains(blocked.Range, block) {
			t.Errorf("%s: %v, want refused as %q", addr, err, block)
		}
	}
	for _, addr := range []string{"8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4007:80c::200e", "::ffff:8.8.8.8", "100.63.255.255", "100.128.0.1", "198.20.0.1"} {
		if err := Check(netip.MustParseAddr(addr)); err != nil {
			t.Errorf("%s is public: %v", addr, err)
		}
	}
}

func TestControlRefusesDialsToPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{Control: Control}).DialContext,
	}}
	_, err := client.Get(srv.URL)
	var blocked *BlockedAddressError
	if !errors.As(err, &blocked) || !strings.Contains(err.Error(), "127.0.0.1") || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("dial to %s: %v, want refused as loopback", srv.URL, err)
	}
}

func TestCheckHostResolvesNames(t *testing.T) {
	ctx := context.Background()
	if err := CheckHost(ctx, nil, "localhost"); err == nil || !strings.Contains(err.Error(), "localhost") {
		t.Errorf("localhost: %v, want refused, naming the host", err)
	}
	if err := CheckHost(ctx, nil, "169.254.169.254"); err == nil {
		t.Error("metadata address literal accepted")
	}
	if err := CheckHost(ctx, nil, "8.8.8.8"); err != nil {
		t.Errorf("public literal: %v", err)
	}
	if err := CheckHost(ctx, nil, "no-such-host.invalid"); err == nil {
		t.Error("unresolvable host accepted")
	}
}
