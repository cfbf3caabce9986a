package gui

// The Mapping screen's model: the state the screen shows and the work
// behind its buttons, without Fyne (TestMappingModelHasNoFyne), so it is
// tested without a window (mapping_model_test.go). The screen (mapping.go)
// builds the widgets, turns their events into the model's methods and
// redraws when the model tells it to (mappingEvents). The model's files:
// this one (data and loading), mapping_model_rows.go (what the table and
// the agent list show), mapping_model_edit.go (map, unmap, undo, suggest)
// and mapping_model_files.go (imports, exports, users, the record).

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// runner runs work off the UI goroutine and then done on it: runAsync in
// the app, inline in the model's tests. What work computes reaches done
// through variables both closures share; done runs after work returned.
type runner func(work func(ctx context.Context) error, done func(err error))

// mappingDeps are the model's ties to the rest of the app.
type mappingDeps struct {
	db  *storage.DB
	run runner
	log *slog.Logger
}

// mappingEvents are how the model tells the screen what happened; the
// screen sets every one.
type mappingEvents struct {
	// changed: the data, the rows or the views changed; redraw all.
	changed func()
	// state: the selection, the busy flag or the undo history changed;
	// buttons and highlights follow.
	state func()
	// replaced: the profile's data is being replaced; what points into the
	// old agents (a drag under way) must end.
	replaced func()
	// status is a one-line outcome for the status line.
	status func(text string)
	// fail shows a failure; prefix says what failed.
	fail func(prefix string, err error)
	// conflict says that nothing was written because the mappings changed
	// elsewhere (storage.ErrConflict); the reload after it shows them.
	conflict func(text string)
}

// mappingData is a profile's data as loaded: the agents of the last pull
// (sorted by name), the users, their mappings and indexes over them.
type mappingData struct {
	users     []mapping.User
	agents    []halo.Agent
	agentSubs []string // per agent: "team · email", its row's second line
	pulledAt  time.Time
	agentPos  map[int]int // agent ID → index in agents
	index     *mapping.AgentIndex
	maps      map[int64]mapping.Mapping // by user ID
	holder    map[int]int64             // agent ID → user ID
}

// loadSeq numbers what the model starts, so that a result for an earlier
// profile or an older load is dropped.
type loadSeq struct {
	// session changes whenever another profile is shown: a change saved
	// for an earlier one must not touch this one's history.
	session int
	load    int // every load
	full    int // full loads (agents too)
}

// mappingModel maps the profile's 1stream users to the Halo agents of the
// last sync: the data, what the users table and the agent list show, the
// selection both share, the suggestions, the undo history and the last
// export the changes count from.
type mappingModel struct {
	mappingDeps
	on      mappingEvents
	profile *storage.Profile
	mappingData
	sugg map[int64]mapping.Suggestion
	mappingRows
	userView  rowView
	agentView agentView
	sel       selection
	history   undoStack
	baseline  exportBaseline
	busy      bool // a change is being saved
	loading   bool // the profile's data is being read
	seq       loadSeq
}

func newMappingModel(deps mappingDeps, on mappingEvents) *mappingModel {
	m := &mappingModel{mappingDeps: deps, on: on, sugg: map[int64]mapping.Suggestion{}}
	m.mappingData = newMappingData(mappingLoad{})
	m.byUser = map[int64]int{}
	m.userView.filter = filterAll
	return m
}

// showing reports whether the profile with this ID is the current one.
func (m *mappingModel) showing(profileID int64) bool {
	return m.profile != nil && m.profile.ID == profileID
}

// setProfile shows p's data (none: nil): the history, the selection and
// the suggestions of the previous profile go, and p's data loads.
func (m *mappingModel) setProfile(p *storage.Profile) {
	if p != nil && m.showing(p.ID) {
		m.profile = p
		return
	}
	m.profile = p
	m.seq.session++
	m.seq.load++
	m.history.clear()
	m.busy = false
	m.sel = selection{}
	m.sugg = map[int64]mapping.Suggestion{}
	m.loading = p != nil
	m.setData(mappingLoad{})
	if p != nil {
		m.reload()
	}
}

// checkFinished reloads the agents after a systems check or sync of the
// current profile stored a new snapshot.
func (m *mappingModel) checkFinished(profileID int64) {
	if m.showing(profileID) {
		m.reload()
	}
}

// mappingLoad is what a load read.
type mappingLoad struct {
	snap     halo.Snapshot
	pulledAt time.Time
	users    []mapping.User
	maps     []mapping.Mapping
	index    *mapping.AgentIndex
}

// loadMappings reads a profile's users and mappings, and with agents the
// agents of the last pull, sorted and indexed.
func loadMappings(ctx context.Context, db *storage.DB, id int64, agents bool) (mappingLoad, error) {
	var d mappingLoad
	var err error
	if agents {
		if d.snap, d.pulledAt, err = db.Snapshot(ctx, id); err != nil {
			return d, err
		}
		sortAgents(d.snap.Agents)
		d.index = mapping.NewAgentIndex(d.snap.Agents) // off the UI goroutine: 10,000 agents take a moment
	}
	if d.users, err = db.Users(ctx, id); err != nil {
		return d, err
	}
	d.maps, err = db.Mappings(ctx, id)
	return d, err
}

// load reads a profile's data off the UI goroutine (loadMappings).
func (m *mappingModel) load(id int64, agents bool, done func(mappingLoad, error)) {
	var d mappingLoad
	m.run(func(ctx context.Context) error {
		var err error
		d, err = loadMappings(ctx, m.db, id, agents)
		return err
	}, func(err error) { done(d, err) })
}

// reload reads the agents of the last sync, the users and the mappings of
// the current profile, and the last export. The check and sync dialogs
// call it (through checkFinished) after storing a new snapshot.
func (m *mappingModel) reload() {
	if m.profile == nil {
		return
	}
	id := m.profile.ID
	m.loadBaseline()
	m.seq.load++
	m.seq.full++
	seq, full := m.seq.load, m.seq.full
	m.load(id, true, func(d mappingLoad, err error) {
		if !m.showing(id) || full != m.seq.full {
			return
		}
		m.loading = false
		if err != nil {
			m.on.changed()
			m.on.fail("Loading the mapping data failed", err)
			return
		}
		m.setData(d)
		if seq != m.seq.load {
			m.reloadUsers(nil) // users or mappings changed while this load ran
		}
	})
}

// reloadUsers reads the users and mappings again after a change, keeping
// the agents; done runs afterwards on the UI goroutine, also when the
// load was superseded, so "busy" always clears.
func (m *mappingModel) reloadUsers(done func()) {
	if m.profile == nil {
		return
	}
	id := m.profile.ID
	m.seq.load++
	seq := m.seq.load
	m.load(id, false, func(d mappingLoad, err error) {
		if done != nil {
			defer done()
		}
		if !m.showing(id) || seq != m.seq.load {
			return
		}
		if err != nil {
			m.on.fail("Loading the users failed", err)
			return
		}
		m.users = d.users
		m.setMappings(d.maps)
	})
}

// newMappingData indexes what a load read; the agents must be sorted
// (sortAgents), and d.index, when set, built from them. The mappings come
// with setMappings.
func newMappingData(d mappingLoad) mappingData {
	agents := d.snap.Agents
	md := mappingData{users: d.users, agents: agents, pulledAt: d.pulledAt, index: d.index,
		agentSubs: make([]string, len(agents)), agentPos: make(map[int]int, len(agents)),
		maps: map[int64]mapping.Mapping{}, holder: map[int]int64{}}
	if md.index == nil {
		md.index = mapping.NewAgentIndex(agents)
	}
	for i := range agents {
		a := &agents[i]
		switch {
		case a.Team != "" && a.Email != "":
			md.agentSubs[i] = a.Team + " · " + a.Email
		case a.Team != "":
			md.agentSubs[i] = a.Team
		default:
			md.agentSubs[i] = a.Email
		}
		if _, dup := md.agentPos[a.ID]; !dup {
			md.agentPos[a.ID] = i
		}
	}
	return md
}

// setData replaces everything the screen shows.
func (m *mappingModel) setData(d mappingLoad) {
	// A drag started on the old data would drop the wrong agent.
	m.on.replaced()
	m.mappingData = newMappingData(d)
	// The agent view holds indexes into the old agents.
	m.agentView.order = m.agentView.order[:0]
	m.setMappings(d.maps)
}

func (m *mappingModel) setMappings(maps []mapping.Mapping) {
	m.maps = make(map[int64]mapping.Mapping, len(maps))
	m.holder = make(map[int]int64, len(maps))
	for _, mp := range maps {
		m.maps[mp.UserID] = mp
		m.holder[mp.AgentID] = mp.UserID
	}
	// Suggestions for users that got mapped meanwhile, or whose agent was
	// taken, are no longer useful.
	for uid, sg := range m.sugg {
		if _, mapped := m.maps[uid]; mapped {
			delete(m.sugg, uid)
		} else if _, taken := m.holder[sg.AgentID]; taken && sg.AgentID != 0 {
			delete(m.sugg, uid)
		}
	}
	m.rebuild()
}

// currentMappings lists the mappings on screen in table order, so that
// the rules fed with them give repeatable results.
func (m *mappingModel) currentMappings() []mapping.Mapping {
	out := make([]mapping.Mapping, 0, len(m.maps))
	for _, u := range m.users {
		if mp, ok := m.maps[u.ID]; ok {
			out = append(out, mp)
		}
	}
	return out
}

// realAgents counts the agents that are people: not the API agent.
func (m *mappingModel) realAgents() int {
	n := 0
	for i := range m.agents {
		if !m.agents[i].IsAPIAgent {
			n++
		}
	}
	return n
}

// sortAgents sorts agents by display name, case-insensitively.
func sortAgents(agents []halo.Agent) {
	keys := make([]string, len(agents))
	for i := range agents {
		keys[i] = strings.ToLower(mapping.AgentDisplayName(agents[i]))
	}
	idx := make([]int, len(agents))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	sorted := make([]halo.Agent, len(agents))
	for i, j := range idx {
		sorted[i] = agents[j]
	}
	copy(agents, sorted)
}
