package mapping

import (
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// AcceptConfident is what "accept all confident matches" maps, for the
// GUI's button and `map auto` alike: the Confident suggestions of sugg, in
// their order, minus those whose user is already mapped in existing, whose
// agent is not in agents, is disabled or API-only (1stream cannot route to
// them), or is already taken (by existing or by an earlier suggestion).
// used are the suggestions it accepted, one for each mapping. Each mapping
// names its agent by AgentDisplayName and is stamped at; ProfileID is left
// 0 for the caller (storage fills in the profile it writes to).
func AcceptConfident(sugg []Suggestion, agents []halo.Agent, existing []Mapping, at time.Time) (accepted []Mapping, used []Suggestion) {
	idx := IndexAgents(agents)
	mapped := make(map[int64]bool, len(existing))
	taken := make(map[int]bool, len(existing))
	for _, m := range existing {
		mapped[m.UserID] = true
		taken[m.AgentID] = true
	}
	for _, s := range Confident(sugg) {
		a := idx[s.AgentID]
		if a == nil || a.IsDisabled || a.IsAPIAgent || mapped[s.UserID] || taken[s.AgentID] {
			continue
		}
		mapped[s.UserID], taken[a.ID] = true, true
		accepted = append(accepted, Mapping{UserID: s.UserID, AgentID: a.ID, AgentName: AgentDisplayName(*a),
			AgentEmail: a.Email, MatchedBy: s.Method, MappedAt: at})
		used = append(used, s)
	}
	return accepted, used
}
