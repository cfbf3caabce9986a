package mapping

import (
	"fmt"
	"slices"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Suggestion proposes a Halo agent for a 1stream user.
type Suggestion struct {
	UserID int64
	// AgentID is the proposed agent, or 0 when the user has to choose among
	// Candidates because none stands out.
	AgentID int
	// Method is the rule that found the match: email, extension, name or
	// fuzzy.
	Method Method
	// Confident suggestions are the ones "Accept all confident" applies: an
	// exact rule found exactly one agent for the user, that agent for no
	// other user, and no stronger rule points elsewhere.
	Confident bool
	// Candidates lists the agent IDs the rule found, best first; it holds
	// AgentID when that is not 0.
	Candidates []int
	// Score is 1 for the exact rules and the name similarity (0.88–1) for
	// fuzzy ones.
	Score float64
	// Note says why a suggestion is not confident, for the GUI.
	Note string
}

// exact match rules, strongest first; their index is the "phase".
var exactMethods = [...]Method{MethodEmail, MethodExtension, MethodName}

const phases = len(exactMethods)

// maxExactCandidates bounds the candidates listed for one ambiguous key.
const maxExactCandidates = 20

type suggestAgent struct {
	a    *halo.Agent
	keys [phases][2]string // the name rule has two keys: Name and FirstName+Surname
}

type suggestUser struct {
	u    *User
	keys [phases]string
}

type pendingMatch struct {
	phase int // -1: none
	cands []int32
	note  string
}

// Suggest proposes agents for the users that have no mapping yet, using the
// rules in order: (1) same email, case-insensitive; (2) the user's
// extension equals the agent's extensionnumber; (3) the same normalised
// full name (NormalizeName, against the agent's name and first name +
// surname); (4) a close fuzzy name match, or the same email local part on a
// different domain, which is only ever suggested. An extension match whose
// names plainly disagree is only suggested too (see namesDisagree).
//
// Users already in existing and agents already taken by existing are
// skipped, as are disabled and API-only agents. A rule makes a confident
// suggestion only when it pairs exactly one user with exactly one agent and
// no stronger rule contradicts it; otherwise the user gets a suggestion
// with the candidates listed and a Note. Confident suggestions never share
// an agent. The result follows the order of users, one suggestion at most
// per user, and the work grows linearly with the input.
func Suggest(users []User, agents []halo.Agent, existing []Mapping) []Suggestion {
	mappedUsers := make(map[int64]bool, len(existing))
	takenAgents := make(map[int]bool, len(existing))
	for _, m := range existing {
		mappedUsers[m.UserID] = true
		takenAgents[m.AgentID] = true
	}

	ag := make([]suggestAgent, 0, len(agents))
	seenAgent := make(map[int]bool, len(agents))
	for i := range agents {
		a := &agents[i]
		if a.IsDisabled || a.IsAPIAgent || takenAgents[a.ID] || seenAgent[a.ID] {
			continue
		}
		seenAgent[a.ID] = true
		s := suggestAgent{a: a}
		s.keys[0][0] = EmailKey(a.Email)
		s.keys[1][0] = ExtensionKey(a.Extension)
		n1, n2 := NormalizeName(a.Name), NormalizeName(a.FirstName+" "+a.Surname)
		if n1 == "" {
			n1, n2 = n2, ""
		}
		s.keys[2][0] = n1
		if n2 != n1 {
			s.keys[2][1] = n2
		}
		ag = append(ag, s)
	}

	us := make([]suggestUser, 0, len(users))
	seenUser := make(map[int64]bool, len(users))
	for i := range users {
		u := &users[i]
		if mappedUsers[u.ID] || seenUser[u.ID] {
			continue
		}
		seenUser[u.ID] = true
		us = append(us, suggestUser{u: u, keys: [phases]string{EmailKey(u.Email), ExtensionKey(u.Extension), NormalizeName(u.Name)}})
	}

	var agentIdx, userIdx [phases]map[string][]int32
	for p := range phases {
		agentIdx[p] = make(map[string][]int32, len(ag))
		for ai := range ag {
			for _, k := range ag[ai].keys[p] {
				if k != "" {
					agentIdx[p][k] = append(agentIdx[p][k], int32(ai))
				}
			}
		}
		userIdx[p] = make(map[string][]int32, len(us))
		for ui := range us {
			if k := us[ui].keys[p]; k != "" {
				userIdx[p][k] = append(userIdx[p][k], int32(ui))
			}
		}
	}

	claimedA := make([]bool, len(ag))
	matchU := make([]int32, len(us))
	methodU := make([]int8, len(us))
	pend := make([]pendingMatch, len(us))
	for ui := range us {
		matchU[ui] = -1
		pend[ui].phase = -1
	}
	wanted := make([]int32, len(ag))
	candStart := make([]int32, len(us))
	candEnd := make([]int32, len(us))
	candTotal := make([]int32, len(us))
	var flat []int32
	var tt *tokenTable // for namesDisagree, made on first use

	// contradiction reports a stronger rule that points away from pairing
	// user ui with agent ai.
	contradiction := func(ui int, ai int32, p int) string {
		for q := range p {
			// Membership is tested through the keys, not by scanning the
			// index lists, which can be long for a shared value.
			if k := us[ui].keys[q]; k != "" && len(agentIdx[q][k]) > 0 && ag[ai].keys[q][0] != k && ag[ai].keys[q][1] != k {
				return fmt.Sprintf("the %s matches a different Halo agent", exactMethods[q])
			}
			for _, k := range ag[ai].keys[q] {
				if k != "" && len(userIdx[q][k]) > 0 && us[ui].keys[q] != k {
					return fmt.Sprintf("the agent's %s matches a different 1stream user", exactMethods[q])
				}
			}
		}
		return ""
	}

	for p := range phases {
		clear(wanted)
		flat = flat[:0]
		for ui := range us {
			candStart[ui], candEnd[ui] = int32(len(flat)), int32(len(flat))
			k := us[ui].keys[p]
			if matchU[ui] >= 0 || k == "" {
				continue
			}
			// An agent appears at most once per key. Long lists (a shared
			// mailbox on many agents) are cut so the work stays linear; such
			// a user is ambiguous either way.
			n := 0
			for _, ai := range agentIdx[p][k] {
				if !claimedA[ai] {
					if n++; n <= maxExactCandidates {
						flat = append(flat, ai)
						wanted[ai]++
					}
				}
			}
			candEnd[ui] = int32(len(flat))
			candTotal[ui] = int32(n)
		}
		for ui := range us {
			c := flat[candStart[ui]:candEnd[ui]]
			if len(c) == 0 {
				continue
			}
			note := ""
			switch {
			case len(c) > 1:
				note = fmt.Sprintf("%d Halo agents have this %s", candTotal[ui], exactMethods[p])
			case wanted[c[0]] > 1:
				note = fmt.Sprintf("another 1stream user has the same %s", exactMethods[p])
			default:
				note = contradiction(ui, c[0], p)
			}
			if note == "" && exactMethods[p] == MethodExtension {
				if tt == nil {
					tt = newTokenTable()
				}
				if namesDisagree(tt, us[ui].keys[2], ag[c[0]].keys[2]) {
					note = noteExtensionNamesDiffer
				}
			}
			if note == "" {
				matchU[ui], methodU[ui] = c[0], int8(p)
				claimedA[c[0]] = true
				continue
			}
			if pend[ui].phase < 0 {
				pend[ui] = pendingMatch{phase: p, cands: slices.Clone(c), note: note}
			}
		}
	}

	out := make([]Suggestion, 0, len(us))
	var fuzzyUsers []int
	for ui := range us {
		if ai := matchU[ui]; ai >= 0 {
			id := ag[ai].a.ID
			out = append(out, Suggestion{UserID: us[ui].u.ID, AgentID: id, Method: exactMethods[methodU[ui]],
				Confident: true, Candidates: []int{id}, Score: 1})
			continue
		}
		if pm := pend[ui]; pm.phase >= 0 {
			ids := make([]int, 0, len(pm.cands))
			for _, ai := range pm.cands {
				if !claimedA[ai] {
					ids = append(ids, ag[ai].a.ID)
				}
			}
			if len(ids) > 0 {
				slices.Sort(ids)
				s := Suggestion{UserID: us[ui].u.ID, Method: exactMethods[pm.phase], Candidates: ids, Score: 1, Note: pm.note}
				if len(ids) == 1 {
					s.AgentID = ids[0]
				}
				out = append(out, s)
				continue
			}
		}
		fuzzyUsers = append(fuzzyUsers, ui)
		out = append(out, Suggestion{}) // placeholder, filled or dropped below
	}

	var free []int32
	for ai := range ag {
		if !claimedA[ai] {
			free = append(free, int32(ai))
		}
	}
	fuzzy := fuzzySuggest(us, fuzzyUsers, ag, free)
	// Replace the placeholders in order, dropping users without a match.
	res := out[:0]
	fi := 0
	for _, s := range out {
		if s.Method == "" {
			if f := fuzzy[fi]; f.Method != "" {
				res = append(res, f)
			}
			fi++
			continue
		}
		res = append(res, s)
	}
	return res
}

// noteExtensionNamesDiffer is the Note of an extension match whose names
// plainly disagree.
const noteExtensionNamesDiffer = "extension matches, names differ"

// namesDisagree reports whether a user's and an agent's normalised names
// plainly disagree: both are known and no token of the user's name
// resembles a token of either of the agent's names ("Ana Smith" and
// "Zeynep García"). Halo's extension fields go stale after staff turnover,
// so such an extension match is only a suggestion; a shared first name or
// surname (Bob/Robert Smith, a new married name) is no contradiction.
func namesDisagree(tt *tokenTable, user string, agent [2]string) bool {
	ut := tt.tokens(user)
	if len(ut) == 0 || agent[0] == "" {
		return false
	}
	for _, name := range agent {
		for _, a := range tt.tokens(name) {
			for _, u := range ut {
				if tt.sim(u, a) >= tokenThreshold {
					return false
				}
			}
		}
	}
	return true
}

// Confident returns the suggestions "Accept all confident" applies: the
// confident email, extension and name matches, minus any that share an
// agent or a user with another (possible only when lists are combined),
// so applying them never maps one agent to two users.
func Confident(s []Suggestion) []Suggestion {
	agentCount := make(map[int]int, len(s))
	userCount := make(map[int64]int, len(s))
	ok := func(x Suggestion) bool {
		return x.Confident && x.AgentID != 0 &&
			(x.Method == MethodEmail || x.Method == MethodExtension || x.Method == MethodName)
	}
	for _, x := range s {
		if ok(x) {
			agentCount[x.AgentID]++
			userCount[x.UserID]++
		}
	}
	var out []Suggestion
	for _, x := range s {
		if ok(x) && agentCount[x.AgentID] == 1 && userCount[x.UserID] == 1 {
			out = append(out, x)
		}
	}
	return out
}
