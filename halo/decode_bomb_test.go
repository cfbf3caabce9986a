package halo_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// listCalls are every call that reads a list answer from Halo.
var listCalls = []struct {
	name string
	call func(context.Context, *halo.Client) error
}{
	{"agents", func(ctx context.Context, c *halo.Client) error {
		_, err := c.Agents(ctx, halo.AgentOptions{}, nil)
		return err
	}},
	{"teams", func(ctx context.Context, c *halo.Client) error { _, err := c.Teams(ctx); return err }},
	{"departments", func(ctx context.Context, c *halo.Client) error { _, err := c.Departments(ctx, nil); return err }},
	{"organisations", func(ctx context.Context, c *halo.Client) error { _, err := c.Organisations(ctx); return err }},
	{"contacts", func(ctx context.Context, c *halo.Client) error { _, err := c.Contacts(ctx, nil); return err }},
	{"phone search", func(ctx context.Context, c *halo.Client) error {
		_, err := c.SearchContactsByPhone(ctx, "+44 20 7946 0000")
		return err
	}},
	{"contacts probe", func(ctx context.Context, c *halo.Client) error { _, err := c.ProbeContacts(ctx); return err }},
	{"customers probe", func(ctx context.Context, c *halo.Client) error { _, err := c.ProbeCustomers(ctx); return err }},
	{"tickets probe", func(ctx context.Context, c *halo.Client) error { _, err := c.ProbeTickets(ctx); return err }},
}

// measured runs f and returns what it allocated: bytes and objects. Both
// grow with the records decoded, so they bound the work (and the time)
// without timing it.
func measured(f func()) (bytes, objects uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

// A small answer cannot take gigabytes: a gzip answer of about 16 KiB that
// inflates to 16 MiB of records (5.6 million empty ones) is decoded as a
// stream and stopped at the list cap, before the records past it are
// built, on every list endpoint; records of the wrong types (the lenient
// path, which costs more per record, hence a lower cap here) and a bare
// array too. Records too large for their number stop at the answer's byte
// budget instead.
func TestGzipBombIsBoundedOnEveryList(t *testing.T) {
	big := `{"id":1,"name":"` + strings.Repeat("x", 200<<10) + `"}`
	for _, b := range []struct {
		name     string
		bomb     halotest.Bomb
		maxItems int // 0: the default cap
		want     string
		maxBytes uint64 // allocated by one call
		maxObjs  uint64
	}{
		{"empty records", halotest.Bomb{}, 0, "more than 100000 records", 64 << 20, 150_000},
		{"lenient records", halotest.Bomb{Record: `{"id":"7","inactive":"yes","name":12}`}, 10_000, "more than 10000 records", 64 << 20, 600_000},
		{"bare array", halotest.Bomb{Bare: true, Paths: []string{"agent", "users"}}, 0, "more than 100000 records", 64 << 20, 150_000},
		{"large records", halotest.Bomb{Record: big}, 0, "is larger than 6 MiB for 31 records", 16 << 20, 2_000},
	} {
		t.Run(b.name, func(t *testing.T) {
			s, cfg := start(t, halotest.Scenario{Bomb: &b.bomb})
			cfg.MaxListItems = b.maxItems
			c := newClient(t, cfg)
			ctx := context.Background()
			for _, lc := range listCalls {
				if b.bomb.Paths != nil && lc.name != "agents" && lc.name != "phone search" {
					continue
				}
				var err error
				bytes, objs := measured(func() { err = lc.call(ctx, c) })
				if he := wantError(t, err, halo.KindBadResponse, ""); !strings.Contains(he.Message, b.want) {
					t.Errorf("%s: %v, want %q", lc.name, he, b.want)
				}
				if bytes > b.maxBytes || objs > b.maxObjs {
					t.Errorf("%s: %d MiB in %d allocations, want at most %d MiB and %d", lc.name, bytes>>20, objs, b.maxBytes>>20, b.maxObjs)
				}
			}
			if s.Requests() == 0 {
				t.Fatal("no request reached the server")
			}
		})
	}
}

// The byte budget grows with the records: a Halo that ignores paging and
// sends 20,000 agents (about 20 MiB, three times a page's budget) in one
// answer still works.
func TestOneAnswerWithEveryRecordStillWorks(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{AgentsCount: 20000, Seed: 5})
	agents, err := newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(agents) < 19000 {
		t.Fatalf("%d agents", len(agents))
	}
}
