package halo

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// BenchmarkDecodeAgents10k: decoding one 10,000-agent /Agent answer (bare
// array of spec-shaped records, as halotest serves them).
func BenchmarkDecodeAgents10k(b *testing.B) {
	s := halotest.New(halotest.Scenario{AgentsCount: 10000})
	defer s.Close()
	c, err := NewClient(Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret()})
	if err != nil {
		b.Fatal(err)
	}
	req, _ := c.NewRequest(context.Background(), http.MethodGet, "Agent?includedisabled=true&includeapiagents=true", nil)
	var raw json.RawMessage
	if err := c.Do(context.Background(), req, &raw); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		agents, _, err := decodeList[Agent](raw, "agents")
		if err != nil || len(agents) != 10001 {
			b.Fatalf("%d agents, %v", len(agents), err)
		}
	}
}
