// Package halo talks to a HaloPSA / HaloITSM / HaloCRM instance: URL
// handling, auth discovery, the OAuth2 client-credentials token, the
// resource endpoints the integration needs, and the systems check.
// It never imports Fyne.
package halo

// Agent is one Halo agent (the Uname_List schema of Halo's OpenAPI spec),
// reduced to the fields the integration uses.
type Agent struct {
	ID          int                    `json:"id"`
	Name        string                 `json:"name"`
	FirstName   string                 `json:"firstname,omitempty"`
	Surname     string                 `json:"surname,omitempty"`
	Email       string                 `json:"email,omitempty"`
	Team        string                 `json:"team,omitempty"` // default team name
	Teams       []TeamMembership       `json:"teams,omitempty"`
	Departments []DepartmentMembership `json:"departments,omitempty"`
	IsDisabled  bool                   `json:"isdisabled"`
	IsAPIAgent  bool                   `json:"isapiagent"`
	Extension   string                 `json:"extensionnumber,omitempty"`
	JobTitle    string                 `json:"jobtitle,omitempty"`
}

// TeamMembership is the UnameSection schema: an agent's membership of a team.
type TeamMembership struct {
	TeamID       int    `json:"team_id"`
	TeamName     string `json:"team_name"`
	DepartmentID int    `json:"department_id,omitempty"`
}

// DepartmentMembership is the UnameDepartment schema.
type DepartmentMembership struct {
	DepartmentID   int    `json:"department_id"`
	DepartmentName string `json:"department_name"`
}

// Team is the SectionDetail_List schema.
type Team struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	DepartmentID   int    `json:"department_id,omitempty"`
	DepartmentName string `json:"department_name,omitempty"`
	Inactive       bool   `json:"inactive"`
}

// Department is a Tree_List record with agent_department set.
type Department struct {
	ID               int    `json:"id"`
	Name             string `json:"name"`
	OrganisationID   int    `json:"organisation_id,omitempty"`
	OrganisationName string `json:"organisation_name,omitempty"`
}

// Organisation is the Organisation schema (multi-tenancy).
type Organisation struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Snapshot is everything one pull brings back for a profile.
type Snapshot struct {
	Agents        []Agent        `json:"agents"`
	Teams         []Team         `json:"teams"`
	Departments   []Department   `json:"departments"`
	Organisations []Organisation `json:"organisations"`
}

// Contact is one Halo contact — a "User" in Halo's API (the Users_List
// schema), reduced to what a phone integration reads: names, the customer
// and site, and the four numbers that belong to the contact. SitePhone is
// the site's number, shown but not the contact's own.
type Contact struct {
	ID               int    `json:"id"`
	Name             string `json:"name,omitempty"`
	FirstName        string `json:"firstname,omitempty"`
	Surname          string `json:"surname,omitempty"`
	Email            string `json:"emailaddress,omitempty"`
	PhoneNumber      string `json:"phonenumber,omitempty"`
	HomeNumber       string `json:"homenumber,omitempty"`
	MobileNumber     string `json:"mobilenumber,omitempty"`
	MobileNumber2    string `json:"mobilenumber2,omitempty"`
	SitePhone        string `json:"sitephonenumber,omitempty"`
	ClientID         int    `json:"client_id,omitempty"`
	ClientName       string `json:"client_name,omitempty"`
	SiteID           int    `json:"site_id,omitempty"`
	SiteName         string `json:"site_name,omitempty"`
	Inactive         bool   `json:"inactive,omitempty"`
	IsServiceAccount bool   `json:"isserviceaccount,omitempty"`
}

// Customer is one Halo customer (a "Client" in Halo's API).
type Customer struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Inactive bool   `json:"inactive,omitempty"`
}

// Ticket is one Halo ticket, reduced to what proves it can be read.
type Ticket struct {
	ID         int    `json:"id"`
	Summary    string `json:"summary,omitempty"`
	ClientID   int    `json:"client_id,omitempty"`
	ClientName string `json:"client_name,omitempty"`
	UserID     int    `json:"user_id,omitempty"`
}
