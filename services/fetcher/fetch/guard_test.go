package fetch

import (
	"errors"
	"net/netip"
	"testing"
)

func TestGuardClassifiesAddresses(t *testing.T) {
	tests := []struct {
		ip   string
		want Reason
	}{
		{"93.184.216.34", ""},
		{"2606:2800:220:1:248:1893:25c8:1946", ""},
		{"8.8.8.8", ""},
		{"127.0.0.1", ReasonLoopback},
		{"127.10.20.30", ReasonLoopback},
		{"::1", ReasonLoopback},
		{"::ffff:127.0.0.1", ReasonLoopback}, // IPv4-mapped
		{"10.1.2.3", ReasonPrivate},
		{"172.16.0.1", ReasonPrivate},
		{"192.168.1.1", ReasonPrivate},
		{"100.64.0.1", ReasonPrivate}, // carrier-grade NAT
		{"fd12:3456::1", ReasonPrivate},
		{"169.254.1.1", ReasonLinkLocal},
		{"fe80::1", ReasonLinkLocal},
		{"169.254.169.254", ReasonMetadata},
		{"169.254.170.2", ReasonMetadata},
		{"fd00:ec2::254", ReasonMetadata},
		{"100.100.100.200", ReasonMetadata},
		{"0.0.0.0", ReasonUnspecified},
		{"::", ReasonUnspecified},
		{"224.0.0.1", ReasonMulticast},
		{"ff02::1", ReasonMulticast},
		{"255.255.255.255", ReasonReserved},
		{"0.1.2.3", ReasonReserved},
		{"192.0.2.1", ReasonReserved},
		{"2001:db8::1", ReasonReserved},
		{"64:ff9b::7f00:1", ReasonLoopback},   // NAT64 of 127.0.0.1
		{"64:ff9b::5db8:d822", ""},            // NAT64 of a public address
		{"2002:c0a8:0101::1", ReasonPrivate},  // 6to4 of 192.168.1.1
		{"2002:a9fe:a9fe::1", ReasonMetadata}, // 6to4 of 169.254.169.254
	}
	g := NewGuard(nil)
	for _, tt := range tests {
		if got := g.Check(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Check(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestGuardAllowList(t *testing.T) {
	allow, err := ParsePrefixes([]string{"127.0.0.1", " 10.0.0.0/8 ", ""})
	if err != nil {
		t.Fatal(err)
	}
	g := NewGuard(allow)
	for ip, want := range map[string]Reason{
		"127.0.0.1": "", "::ffff:127.0.0.1": "", "10.9.8.7": "",
		"127.0.0.2": ReasonLoopback, "192.168.0.1": ReasonPrivate, "169.254.169.254": ReasonMetadata,
	} {
		if got := g.Check(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Check(%s) = %q, want %q", ip, got, want)
		}
	}
	if _, err := ParsePrefixes([]string{"localhost"}); err == nil {
		t.Error("a hostname in the allow-list was accepted")
	}
}

func TestGuardControlRefusesBeforeConnecting(t *testing.T) {
	g := NewGuard(nil)
	err := g.Control("tcp4", "169.254.169.254:80", nil)
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Reason != ReasonMetadata || !errors.Is(err, ErrRefused) {
		t.Fatalf("Control = %v, want a metadata refusal", err)
	}
	if err := g.Control("tcp4", "93.184.216.34:443", nil); err != nil {
		t.Fatalf("public address refused: %v", err)
	}
}
