package halotest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Wire records, shaped like Halo's OpenAPI schemas (Uname_List,
// UnameSection, UnameDepartment, SectionDetail_List, Tree_List,
// Organisation), with a realistic subset of their fields.

type wireSection struct { // UnameSection
	ID                    int    `json:"id"`
	AgentID               int    `json:"agent_id"`
	AgentName             string `json:"agent_name"`
	TeamID                int    `json:"team_id"`
	TeamGUID              string `json:"team_guid"`
	TeamName              string `json:"team_name"`
	DepartmentID          int    `json:"department_id"`
	OrgDepartmentTeamName string `json:"org_department_team_name"`
	RoleID                string `json:"role_id"`
	IsManager             bool   `json:"is_manager"`
	ForTickets            bool   `json:"fortickets"`
	InSection             bool   `json:"in_section"`
}

type wireUDept struct { // UnameDepartment
	ID              int    `json:"id"`
	AgentID         int    `json:"agent_id"`
	AgentName       string `json:"agent_name"`
	DepartmentID    int    `json:"department_id"`
	DepartmentGUID  string `json:"department_guid"`
	DepartmentName  string `json:"department_name"`
	MembershipLevel int    `json:"membershiplevel"`
}

type wireAgent struct { // Uname_List
	ID               int           `json:"id"`
	Name             string        `json:"name"`
	FirstName        string        `json:"firstname"`
	Surname          string        `json:"surname"`
	Initials         string        `json:"initials"`
	Email            string        `json:"email"`
	Team             string        `json:"team"`
	IsDisabled       bool          `json:"isdisabled"`
	IsAPIAgent       bool          `json:"isapiagent"`
	IsAgent          bool          `json:"is_agent"`
	ExtensionNumber  string        `json:"extensionnumber"`
	SMS              string        `json:"sms"`
	JobTitle         string        `json:"jobtitle"`
	Colour           string        `json:"colour"`
	OnlineStatus     int           `json:"onlinestatus"`
	IsOnline         bool          `json:"is_online"`
	Use              string        `json:"use"`
	NameWithInactive string        `json:"namewithinactive"`
	LastLoginDate    string        `json:"lastlogindate"`
	RoleList         string        `json:"role_list"`
	Teams            []wireSection `json:"teams"`
	Departments      []wireUDept   `json:"departments"`

	org int // organisation id, not on the wire
}

type wireTeam struct { // SectionDetail_List
	ID             int    `json:"id"`
	GUID           string `json:"guid"`
	Name           string `json:"name"`
	Sequence       int    `json:"sequence"`
	ForRequests    bool   `json:"forrequests"`
	ForOpps        bool   `json:"foropps"`
	ForProjects    bool   `json:"forprojects"`
	TicketCount    int    `json:"ticket_count"`
	DepartmentID   int    `json:"department_id"`
	DepartmentName string `json:"department_name"`
	OrgTeamName    string `json:"org_team_name"`
	Inactive       bool   `json:"inactive"`
	Use            string `json:"use"`

	org int
}

type wireTree struct { // Tree_List (an agent department)
	ID                int    `json:"id"`
	GUID              string `json:"guid"`
	Name              string `json:"name"`
	OrganisationID    int    `json:"organisation_id"`
	OrganisationName  string `json:"organisation_name"`
	OrgDepartmentName string `json:"org_department_name"`
	LongName          string `json:"long_name"`
	Type              int    `json:"type"`
	AgentDepartment   bool   `json:"agent_department"`
}

type wireOrg struct { // Organisation
	ID        int    `json:"id"`
	GUID      string `json:"guid"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Website   string `json:"website"`
	PortalURL string `json:"portalurl"`
}

// dataset is the whole simulated Halo plus what the API agent can see.
type dataset struct {
	orgs   []wireOrg
	depts  []wireTree
	teams  []wireTeam
	agents []wireAgent
	api    int // index of the API agent in agents

	visible      []bool   // per agent: visible to the API agent
	agentJSON    [][]byte // pre-encoded agents, so big pages are cheap to serve
	visibleTeams []wireTeam
	visibleDepts []wireTree
}

// demoPeople is the deterministic demo roster: accents, apostrophes, a
// shared surname, and one leaver (disabled).
var demoPeople = [][2]string{
	{"José", "Álvarez"}, {"Zoë", "Müller"}, {"Siobhán", "O'Brien"}, {"Łukasz", "Nowak"},
	{"Ana María", "Pérez"}, {"François", "Dubois"}, {"Björn", "Svensson"}, {"Chloé", "Martin"},
	{"Renée", "Lefèvre"}, {"Mátyás", "Kovács"}, {"Inês", "Ferreira"}, {"Aoife", "Byrne"},
	{"Jürgen", "Schmidt"}, {"Núria", "Puig"}, {"Emma", "Thompson"}, {"Oliver", "Smith"},
	{"Amelia", "Jones"}, {"Harry", "Williams"}, {"Priya", "Patel"}, {"Mohammed", "Khan"},
	{"Sofia", "Rossi"}, {"Luca", "Bianchi"}, {"Hannah", "Wright"}, {"Jack", "Taylor"},
	{"Grace", "Evans"}, {"Noah", "Walker"}, {"Olivia", "Brown"}, {"Liam", "O'Connor"},
	{"Fatima", "Zahra"}, {"Kenji", "Tanaka"}, {"Mei", "Lin"}, {"Dmitri", "Ivanov"},
	{"Ingrid", "Berg"}, {"Pål", "Hansen"}, {"Éléonore", "Girard"}, {"Tomás", "Ó Súilleabháin"},
	{"Çağla", "Yılmaz"}, {"Erik", "Johansson"}, {"Ngozi", "Okafor"}, {"Sam", "Taylor"},
}

// demoDisabled is the index in demoPeople of the leaver.
const demoDisabled = 17 // Harry Williams

var jobTitles = []string{"Service Desk Analyst", "Senior Engineer", "Project Engineer", "NOC Engineer", "Account Manager", "Finance Officer", "Team Lead"}

// Team and department layout of the main organisation.
var (
	mainDepts = []struct {
		id   int
		name string
	}{{1, "Service Desk"}, {2, "Commercial"}}
	mainTeams = []struct {
		id, dept int
		name     string
		inactive bool
	}{
		{1, 1, "1st Line Support", false}, {2, 1, "2nd Line Support", false}, {3, 1, "Projects", false},
		{4, 1, "NOC", false}, {5, 2, "Sales", false}, {6, 2, "Accounts", false}, {7, 1, "Old Helpdesk", true},
	}
)

const (
	apiAgentName = "1stream API"
	firstAgentID = 2 // id 1 is Halo's "Unassigned" pseudo-agent
)

var genFirst = []string{"José", "Zoë", "Siobhán", "Łukasz", "Ana", "François", "Björn", "Chloé", "Renée", "Mátyás", "Inês", "Aoife", "Jürgen", "Núria", "Emma", "Oliver", "Amelia", "Harry", "Priya", "Mohammed", "Sofia", "Luca", "Hannah", "Jack", "Grace", "Noah", "Olivia", "Liam", "Fatima", "Kenji", "Mei", "Dmitri", "Ingrid", "Pål", "Éléonore", "Tomás", "Çağla", "Erik", "Ngozi", "Sam"}
var genLast = []string{"Álvarez", "Müller", "O'Brien", "Nowak", "Pérez", "Dubois", "Svensson", "Martin", "Lefèvre", "Kovács", "Ferreira", "Byrne", "Schmidt", "Puig", "Thompson", "Smith", "Jones", "Williams", "Patel", "Khan", "Rossi", "Bianchi", "Wright", "Taylor", "Evans", "Walker", "Brown", "O'Connor", "Zahra", "Tanaka", "Lin", "Ivanov", "Berg", "Hansen", "Girard", "Okafor", "Johansson", "Yılmaz"}

func guid(kind string, id int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", len(kind)*7919+id, id)
}

func buildDataset(s Scenario) *dataset {
	d := &dataset{}
	nOrgs := max(s.Organisations, 1)
	domain := "contoso-msp.com"
	for o := 1; o <= nOrgs; o++ {
		name := "Contoso MSP"
		if o > 1 {
			name = fmt.Sprintf("Fabrikam Subsidiary %d", o-1)
		} else if s.HugeNames {
			name = huge(name)
		}
		d.orgs = append(d.orgs, wireOrg{ID: o, GUID: guid("org", o), Name: name + s.NameSuffix, Email: fmt.Sprintf("servicedesk%d@%s", o, domain), Phone: fmt.Sprintf("+44 20 7946 0%03d", o), Website: "https://www." + domain, PortalURL: fmt.Sprintf("https://portal%d.%s", o, domain)})
	}
	for _, md := range mainDepts {
		d.depts = append(d.depts, tree(md.id, md.name+s.NameSuffix, d.orgs[0]))
	}
	for i, mt := range mainTeams {
		if s.HugeNames && mt.id == hugeTeamID {
			mt.name = huge(mt.name)
		}
		d.teams = append(d.teams, team(mt.id, mt.name+s.NameSuffix, mt.dept, deptName(d, mt.dept), i+1, mt.inactive, 1))
	}
	// Each extra organisation has its own department and team.
	for o := 2; o <= nOrgs; o++ {
		dep := tree(10+o, fmt.Sprintf("Service Desk (%s)", d.orgs[o-1].Name), d.orgs[o-1])
		d.depts = append(d.depts, dep)
		d.teams = append(d.teams, team(20+o, fmt.Sprintf("Support (%s)", d.orgs[o-1].Name), dep.ID, dep.Name, 20+o, false, o))
	}

	id := firstAgentID
	add := func(first, last string, org int, teamIDs []int, disabled bool, idx int) {
		a := person(id, first, last, domain)
		a.Name += s.NameSuffix
		a.NameWithInactive = a.Name
		a.org = org
		a.IsDisabled = disabled
		if disabled {
			a.NameWithInactive = a.Name + " (Inactive)"
		}
		a.JobTitle = jobTitles[idx%len(jobTitles)]
		if idx%13 != 12 { // most agents have a 2xx extension
			a.ExtensionNumber = fmt.Sprintf("%d", 201+idx%800)
			if idx >= 799 {
				a.ExtensionNumber = fmt.Sprintf("%d", 1000+idx)
			}
		}
		if idx%4 == 0 {
			a.SMS = fmt.Sprintf("+44 7700 9%05d", idx%100000)
		}
		setMemberships(d, &a, teamIDs)
		d.agents = append(d.agents, a)
		id++
	}
	activeMain := []int{1, 2, 3, 4, 5, 6}
	if s.AgentsCount > 0 {
		r := rand.New(rand.NewPCG(uint64(s.Seed), 0x48616c6f))
		for i := range s.AgentsCount {
			first := genFirst[r.IntN(len(genFirst))]
			last := genLast[r.IntN(len(genLast))]
			t1 := activeMain[i%len(activeMain)]
			teams := []int{t1}
			if i%3 == 0 {
				teams = append(teams, activeMain[(i+1)%len(activeMain)])
			}
			add(first, last, 1, teams, i%50 == 49, i)
		}
	} else {
		for i, p := range demoPeople {
			t1 := activeMain[i%len(activeMain)]
			teams := []int{t1}
			if i%3 == 0 {
				teams = append(teams, activeMain[(i+1)%len(activeMain)])
			}
			if i == 5 {
				teams = append(teams, 7) // still listed in the retired team
			}
			add(p[0], p[1], 1, teams, i == demoDisabled, i)
		}
	}
	if s.HugeNames {
		d.agents[0].Name = huge(d.agents[0].Name)
		d.agents[0].Surname = huge(d.agents[0].Surname)
	}
	// Agents of the other organisations: the API agent does not see them.
	for o := 2; o <= nOrgs; o++ {
		for k := range 3 {
			p := demoPeople[(o*3+k)%len(demoPeople)]
			add(p[0], p[1], o, []int{20 + o}, false, o*3+k)
		}
	}

	// The API agent the application logs in as.
	api := wireAgent{ID: id, Name: apiAgentName + s.NameSuffix, FirstName: "1stream", Surname: "API", Initials: "1A",
		Email: "1stream-api@" + domain, IsAPIAgent: !s.APIAgentNotAPIOnly, IsAgent: true, Use: "agent",
		JobTitle: "Integration", Colour: "#4b6cb7", org: 1, RoleList: "API"}
	api.NameWithInactive = api.Name
	if s.APIAgentInNoTeam {
		api.Teams, api.Departments = []wireSection{}, []wireUDept{}
	} else {
		setMemberships(d, &api, []int{1, 2, 5})
		if s.NoDefaultTeam {
			api.Team = ""
		}
	}
	d.agents = append(d.agents, api)
	d.api = len(d.agents) - 1

	d.finish()
	return d
}

// finish derives what is served from the agents: visibility and the
// pre-encoded JSON.
func (d *dataset) finish() {
	d.computeVisibility()
	d.agentJSON = make([][]byte, len(d.agents))
	for i := range d.agents {
		// Plain structs of strings, ints and bools: Marshal cannot fail.
		d.agentJSON[i], _ = json.Marshal(d.agents[i])
	}
}

func tree(id int, name string, org wireOrg) wireTree {
	return wireTree{ID: id, GUID: guid("dept", id), Name: name, OrganisationID: org.ID, OrganisationName: org.Name,
		OrgDepartmentName: org.Name + " / " + name, LongName: name, Type: 1, AgentDepartment: true}
}

func team(id int, name string, dept int, deptName string, seq int, inactive bool, org int) wireTeam {
	return wireTeam{ID: id, GUID: guid("team", id), Name: name, Sequence: seq, ForRequests: true, ForProjects: name == "Projects",
		ForOpps: name == "Sales", TicketCount: (id * 37) % 120, DepartmentID: dept, DepartmentName: deptName,
		OrgTeamName: deptName + " / " + name, Inactive: inactive, Use: "agent", org: org}
}

func deptName(d *dataset, id int) string {
	for _, x := range d.depts {
		if x.ID == id {
			return x.Name
		}
	}
	return ""
}

func person(id int, first, last, domain string) wireAgent {
	name := first + " " + last
	initials := ""
	for _, part := range []string{first, last} {
		for _, r := range part {
			initials += string(r)
			break
		}
	}
	local := asciiFold(strings.ToLower(first)) + "." + asciiFold(strings.ToLower(last))
	local = strings.NewReplacer(" ", ".", "'", "").Replace(local)
	return wireAgent{ID: id, Name: name, FirstName: first, Surname: last, Initials: initials,
		Email: fmt.Sprintf("%s@%s", local, domain), IsAgent: true, Use: "agent", NameWithInactive: name,
		Colour: fmt.Sprintf("#%06x", (id*2654435761)&0xffffff), OnlineStatus: id % 3, IsOnline: id%3 == 1,
		LastLoginDate: fmt.Sprintf("2026-11-%02dT%02d:%02d:00", 1+id%27, 8+id%10, id%60), RoleList: "Agent"}
}

func setMemberships(d *dataset, a *wireAgent, teamIDs []int) {
	a.Teams, a.Departments = []wireSection{}, []wireUDept{}
	seenDept := map[int]bool{}
	for k, tid := range teamIDs {
		var t wireTeam
		for _, x := range d.teams {
			if x.ID == tid {
				t = x
			}
		}
		if k == 0 {
			a.Team = t.Name // the Default Team
		}
		a.Teams = append(a.Teams, wireSection{ID: a.ID*10 + k, AgentID: a.ID, AgentName: a.Name, TeamID: t.ID, TeamGUID: t.GUID,
			TeamName: t.Name, DepartmentID: t.DepartmentID, OrgDepartmentTeamName: t.OrgTeamName, RoleID: "1", ForTickets: true, InSection: true})
		if !seenDept[t.DepartmentID] {
			seenDept[t.DepartmentID] = true
			a.Departments = append(a.Departments, wireUDept{ID: a.ID*10 + k, AgentID: a.ID, AgentName: a.Name, DepartmentID: t.DepartmentID,
				DepartmentGUID: guid("dept", t.DepartmentID), DepartmentName: t.DepartmentName, MembershipLevel: 1})
		}
	}
}

// computeVisibility applies the rule real Halo applies to an API agent: it
// sees agents who share a team or department with it (and itself); an agent
// in no team or department sees only itself.
func (d *dataset) computeVisibility() {
	api := d.agents[d.api]
	teams, depts := map[int]bool{}, map[int]bool{}
	for _, t := range api.Teams {
		teams[t.TeamID] = true
		depts[t.DepartmentID] = true
	}
	for _, x := range api.Departments {
		depts[x.DepartmentID] = true
	}
	d.visible = make([]bool, len(d.agents))
	for i, a := range d.agents {
		if i == d.api {
			d.visible[i] = true
			continue
		}
		for _, t := range a.Teams {
			if teams[t.TeamID] || depts[t.DepartmentID] {
				d.visible[i] = true
			}
		}
		for _, x := range a.Departments {
			if depts[x.DepartmentID] {
				d.visible[i] = true
			}
		}
	}
	d.visibleTeams = nil
	for _, t := range d.teams {
		if teams[t.ID] || depts[t.DepartmentID] {
			d.visibleTeams = append(d.visibleTeams, t)
		}
	}
	d.visibleDepts = nil
	for _, x := range d.depts {
		if depts[x.ID] {
			d.visibleDepts = append(d.visibleDepts, x)
		}
	}
}

// selectAgents returns the indexes /Agent answers with for these filters.
func (d *dataset) selectAgents(enabled, disabled, apiAgents bool) []int {
	var out []int
	for i, a := range d.agents {
		if !d.visible[i] {
			continue
		}
		if a.IsAPIAgent && !apiAgents {
			continue
		}
		if a.IsDisabled && !disabled || !a.IsDisabled && !enabled {
			continue
		}
		out = append(out, i)
	}
	return out
}

var foldMap = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ı': "i", 'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ñ': "n", 'ç': "c", 'ł': "l", 'ß': "ss", 'ğ': "g", 'ş': "s",
	'æ': "ae", 'œ': "oe", 'ý': "y", 'ÿ': "y",
}

// asciiFold turns "josé" into "jose" for e-mail addresses.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := foldMap[r]; ok {
			b.WriteString(f)
		} else if r < 128 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
