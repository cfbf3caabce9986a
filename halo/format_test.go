package halo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestCountOf(t *testing.T) {
	for _, tc := range []struct {
		n    int
		one  string
		many []string
		want string
	}{
		{0, "agent", nil, "0 agents"},
		{1, "agent", nil, "1 agent"},
		{2, "agent", nil, "2 agents"},
		{1, "user is", []string{"users are"}, "1 user is"},
		{3, "user is", []string{"users are"}, "3 users are"},
		{2, "entry", []string{"entries"}, "2 entries"},
	} {
		if got := halo.CountOf(tc.n, tc.one, tc.many...); got != tc.want {
			t.Errorf("CountOf(%d, %q, %v) = %q, want %q", tc.n, tc.one, tc.many, got, tc.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		350 * time.Millisecond:  "350 ms",
		2500 * time.Millisecond: "2.5 s",
		80 * time.Second:        "1m20s",
	} {
		if got := halo.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestWaitMessage(t *testing.T) {
	for _, tc := range []struct {
		kind halo.ErrorKind
		want string
	}{
		{halo.KindRateLimited, "slow down"},
		{halo.KindServer, "temporary server error"},
		{halo.KindNetwork, "connection to Halo dropped"},
		{halo.KindTimeout, "(timeout)"},
	} {
		if got := halo.WaitMessage(tc.kind, 20*time.Second); !strings.Contains(got, tc.want) || !strings.Contains(got, "20.0 s") {
			t.Errorf("WaitMessage(%s) = %q, want it to contain %q and the wait", tc.kind, got, tc.want)
		}
	}
}
