package notify

import (
	"errors"
	"net/netip"
	"testing"
)

func TestForbidden(t *testing.T) {
	tests := []struct {
		addr      string
		forbidden bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"::", true},
		{"10.0.0.1", true},
		{"172.16.5.4", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"100.64.0.1", true},      // CGNAT
		{"100.127.255.255", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"255.255.255.255", true},
		{"240.0.0.1", true},
		{"192.0.0.170", true},
		{"198.18.0.1", true},
		{"fc00::1", true},
		{"fd00:ec2::254", true}, // AWS metadata over IPv6
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"fec0::1", true},
		{"ff02::1", true},
		{"ff05::2", true},
		{"::ffff:127.0.0.1", true}, // IPv4-mapped forms
		{"::ffff:10.0.0.1", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:100.64.0.1", true},
		{"::127.0.0.1", true},       // IPv4-compatible
		{"64:ff9b::a00:1", true},    // NAT64 of 10.0.0.1
		{"64:ff9b::7f00:1", true},   // NAT64 of 127.0.0.1
		{"2002:a9fe:a9fe::1", true}, // 6to4 of 169.254.169.254

		{"93.184.215.14", false},
		{"1.1.1.1", false},
		{"8.8.8.8", false},
		{"172.32.0.1", false},
		{"100.128.0.1", false},
		{"169.255.0.1", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", false},  // 6to4 of 8.8.8.8
		{"2606:4700:4700::1111", false},
		{"2a00:1450:4010:c05::64", false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			if got := forbidden(netip.MustParseAddr(tc.addr)); got != tc.forbidden {
				t.Fatalf("forbidden(%s) = %v, want %v", tc.addr, got, tc.forbidden)
			}
		})
	}
}

func TestGuardDial(t *testing.T) {
	tests := []struct {
		network, address string
		refused          bool
	}{
		{"tcp4", "93.184.215.14:443", false},
		{"tcp6", "[2606:4700:4700::1111]:443", false},
		{"tcp4", "127.0.0.1:8080", true},
		{"tcp6", "[::1]:8080", true},
		{"tcp6", "[::ffff:127.0.0.1]:6379", true},
		{"tcp6", "[fe80::1%eth0]:80", true},
		{"tcp4", "169.254.169.254:80", true},
		{"udp4", "93.184.215.14:53", true},
		{"tcp4", "not-an-address", true},
	}
	for _, tc := range tests {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			err := guardDial(tc.network, tc.address, nil)
			if tc.refused != errors.Is(err, ErrForbiddenAddress) || !tc.refused && err != nil {
				t.Fatalf("guardDial(%s, %s) = %v, want refused=%v", tc.network, tc.address, err, tc.refused)
			}
		})
	}
}
