package mapping_test

import (
	"context"
	"testing"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// The demo (and the Xvfb smoke test, which expects at least 39 users mapped
// after "Accept all confident") relies on its sample users matching the
// simulated Halo: 39 of 40 confidently, only "Reception Desk" left, and no
// extension match whose names differ.
func TestDemoUsersMatchTheDemoHalo(t *testing.T) {
	s := halotest.New(halotest.Demo())
	defer s.Close()
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	agents, err := c.Agents(context.Background(), halo.AgentOptions{IncludeDisabled: true, IncludeAPIAgents: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := mapping.ParseUsersText(string(assets.DemoUsersCSV))
	if err != nil {
		t.Fatal(err)
	}
	users := make([]mapping.User, len(p.Accepted))
	for i, r := range p.Accepted {
		users[i] = r.User
		users[i].ID = int64(i + 1)
	}
	sugg := mapping.Suggest(users, agents, nil)
	if n := len(mapping.Confident(sugg)); len(users) != 40 || n != 39 {
		t.Fatalf("%d of %d demo users matched confidently, want 39 of 40", n, len(users))
	}
	for _, sg := range sugg {
		if !sg.Confident {
			t.Errorf("demo user %d only suggested: %+v", sg.UserID, sg)
		}
	}
}
