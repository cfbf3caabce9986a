package halo

// StepAction is the app screen or action a checklist step leads to.
type StepAction int

const (
	ActionNone       StepAction = iota
	ActionOpenHalo              // open the Halo instance in the browser
	ActionConnection            // go to the Connection screen
	ActionRunCheck              // run the systems check
	ActionMapping               // go to the Mapping screen
	ActionContacts              // go to the Contacts screen
)

// ChecklistStep is one step of 1stream's "Advanced HaloPSA Integration"
// article. IDs never change: storage and the check's fix links
// use them.
type ChecklistStep struct {
	ID     string
	Num    int // the article's step number; 0 for unnumbered items
	Title  string
	Detail string
	Action StepAction
}

// ChecklistSection is a heading of the article with its steps.
type ChecklistSection struct {
	Title string
	Intro string
	Steps []ChecklistStep
}

// Checklist mirrors the article in its own order and words
// (shortened), with what 1stream's and Halo's other guides add.
var Checklist = []ChecklistSection{
	{
		Title: "Before you start",
		Steps: []ChecklistStep{{
			ID:    "before-core",
			Title: "1stream Core licence (or higher) for the users",
			Detail: "The Advanced HaloPSA integration is only available with 1stream Core licences and higher plans. " +
				"Without Core this integration will not work: use 1stream's Screen Pop URL feature instead (see 1stream's " +
				"“Screen Pop URL” article), or ask your 1stream Sales Representative to upgrade the user licensing.",
		}},
	},
	{
		Title: "Generating the Client ID and Client Secret in Halo",
		Steps: []ChecklistStep{
			{ID: "halo-1", Num: 1, Title: "Log into your HaloPSA account with an admin user's permissions.", Action: ActionOpenHalo,
				Detail: "Use an account that may create API applications. The button opens your Halo instance once its URL is on the Connection screen."},
			{ID: "halo-2", Num: 2, Title: "Select Configurations.", Detail: "The cog in Halo's left-hand menu."},
			{ID: "halo-3", Num: 3, Title: "Scroll down and select Integrations."},
			{ID: "halo-4", Num: 4, Title: "Select HaloPSA API.",
				Detail: "Its API Details show the resource server, the authorisation server and, on hosted Halo, the tenant. " +
					"Only on-premise or trial instances need these in the Connection screen's Advanced section."},
			{ID: "halo-5", Num: 5, Title: "Click the View Applications button."},
			{ID: "halo-6", Num: 6, Title: "The Applications listing page loads."},
			{ID: "halo-7", Num: 7, Title: "Click New in the upper right-hand corner."},
			{ID: "halo-8", Num: 8, Title: "In the Application Name field, enter a name such as 1stream.",
				Detail: "Any name works; “1stream” makes it easy to recognise later."},
			{ID: "halo-9", Num: 9, Title: "Authentication Method: select Client ID and Secret (Services).",
				Detail: "Set Login Type to Agent and pick the API agent (see the Halo API User Notice below) as the Agent to log in as: " +
					"the application can only see what that agent sees."},
			{ID: "halo-10", Num: 10, Title: "On the Permissions tab, check the All option.",
				Detail: "1stream's article asks for All. If the systems check reports a scope error, its fix explains the alternative."},
			{ID: "halo-11", Num: 11, Title: "Click Save."},
			{ID: "halo-12", Num: 12, Title: "The Client ID and Client Secret are created.",
				Detail: "Halo shows the Client Secret in full only now."},
			{ID: "halo-13", Num: 13, Title: "Save the Client ID and Client Secret.", Action: ActionConnection,
				Detail: "Paste both on the Connection screen: the Client ID is stored with the profile, the Client Secret only in the system keyring."},
		},
	},
	{
		Title: "Halo API User Notice",
		Steps: []ChecklistStep{{
			ID: "halo-notice", Title: "An API-only agent to log in as, with a Default Team", Action: ActionRunCheck,
			Detail: "Create an agent that is also an API user so the users list is visible: Configuration > Teams & Agents > Agents > New, " +
				"Username 1stream, “Is an API-only Agent” ticked (it takes no licence). Give it a Default Team — without one it cannot see " +
				"other agents and the setup fails — and add it to the departments and teams whose agents 1stream must see. " +
				"Then choose it as the application's Agent to log in as.",
		}},
	},
	{
		Title: "The API agent (1stream's HaloPSA Agent Permissions)",
		Intro: "1stream's article “HaloPSA Agent Permissions” (updated 16 December 2024) sets up the agent the application logs in as, " +
			"with what 1stream needs on every call: contacts to pop the caller, customers, and tickets to log the call.",
		Steps: []ChecklistStep{
			{ID: "agent-1", Num: 1, Title: "Go to Configuration › Teams & Agents › Agents and click New.", Action: ActionOpenHalo},
			{ID: "agent-2", Num: 2, Title: "Set the Username to 1stream.",
				Detail: "1stream's article uses this name; it makes the agent easy to recognise."},
			{ID: "agent-3", Num: 3, Title: "Ensure “Is an API-only Agent” is checked.", Action: ActionRunCheck,
				Detail: "An API-only agent takes no licence and cannot log into Halo's web or mobile apps."},
			{ID: "agent-4", Num: 4, Title: "For Default Team, select one of your teams.", Action: ActionRunCheck,
				Detail: "“If you fail to select a team, the agent will not have access to view other agents and the setup will fail.”"},
			{ID: "agent-5", Num: 5, Title: "Set the Default Working Hours."},
			{ID: "agent-perm-tickets", Title: "Permissions tab › Feature Access: Tickets Access Level = Read and Modify.", Action: ActionRunCheck,
				Detail: "1stream logs calls against tickets; the systems check's Tickets line reads them."},
			{ID: "agent-perm-customers", Title: "Feature Access: Customers Access Level = Read and Modify.", Action: ActionRunCheck,
				Detail: "A screen pop shows the caller's customer; the systems check's Customers line reads them."},
			{ID: "agent-perm-users", Title: "Feature Access: Users Access Level = Read and Modify.", Action: ActionContacts,
				Detail: "Halo calls contacts Users. Without them 1stream cannot look a caller's number up, so no screen pops. " +
					"The Contacts screen audits them and tests a caller; its fix writes corrected numbers back to Halo, " +
					"which needs Modify as well as Read (Halo refuses the write otherwise)."},
			{ID: "agent-perm-ticket-rights", Title: "Tickets Permissions: set these ten to Yes.",
				Detail: "Can add new Tickets; Can edit closed Tickets; Can view Unassigned Tickets; Can view Tickets that are assigned to " +
					"other Agents; Can change a Ticket's Ticket Type; Can Re-assign Tickets; Editing of Actions = Can Edit All Actions; " +
					"Can assign to Agents in Teams the Agent is not a member of; Can Edit Tickets Which Are Not Assigned To Them; " +
					"Can always update Ticket Statuses and re-assign Tickets outside of actions."},
			{ID: "agent-ticket-types", Title: "Ticket Type Restrictions: Allow use of all Ticket Types = Yes."},
			{ID: "agent-teams", Title: "Departments & Teams: add the agent to the departments and teams whose agents 1stream must see.",
				Action: ActionRunCheck,
				Detail: "Edit, then under Teams select Add and pick every team whose agents will be mapped; the same for departments."},
			{ID: "agent-login", Title: "In the Halo application: Login Type Agent, with this agent as the Agent to log in as.", Action: ActionRunCheck,
				Detail: "Configurations › Integrations › HaloPSA API › View Applications › your 1stream application (step 9 above). " +
					"The application can only ever see what this agent sees."},
		},
	},
	{
		Title: "Connecting the Halo Client ID and Client Secret into 1stream",
		Intro: "The Connection screen prepares every value this form asks for, with a copy button each.",
		Steps: []ChecklistStep{
			{ID: "1s-1", Num: 1, Title: "Log into the 1stream Admin Portal."},
			{ID: "1s-2", Num: 2, Title: "Go to the Administration > Manage Organization menu in the top right."},
			{ID: "1s-3", Num: 3, Title: "Scroll down to the Connected Account and CRM Settings section."},
			{ID: "1s-4", Num: 4, Title: "Click the green circled + to open the configuration pop-up."},
			{ID: "1s-5", Num: 5, Title: "Select HaloPSA in the CRM Platform drop-down."},
			{ID: "1s-6", Num: 6, Title: "Click the Save button.", Detail: "The pop-up refreshes with the connection configuration settings."},
			{ID: "1s-7", Num: 7, Title: "CRM Company: enter your HaloPSA Company ID.", Action: ActionConnection,
				Detail: "The Connection screen shows the value (the tenant) and can detect it from your instance."},
			{ID: "1s-8", Num: 8, Title: "API Key: enter the Client ID generated in Halo.", Action: ActionConnection},
			{ID: "1s-9", Num: 9, Title: "API Private Key: enter the Client Secret generated in Halo.", Action: ActionConnection,
				Detail: "The Connection screen copies it from the system keyring to the clipboard."},
			{ID: "1s-10", Num: 10, Title: "Endpoint: enter your Halo URL with api/ at the end.", Action: ActionConnection,
				Detail: "It should look like https://yourcompany.halopsa.com/api/"},
			{ID: "1s-11", Num: 11, Title: "CRM Details link: enter your Halo URL.", Action: ActionConnection,
				Detail: "It should look like https://yourcompany.halopsa.com/"},
			{ID: "1s-12", Num: 12, Title: "Click Save."},
			{ID: "1s-13", Num: 13, Title: "Scroll up to the 1stream Administration section."},
			{ID: "1s-14", Num: 14, Title: "Click on the Systems Check link.", Action: ActionRunCheck,
				Detail: "1stream's pop-up confirms the connection and pulls the user data from Halo. This assistant's systems check " +
					"tests the same credentials step by step first and says what to fix."},
		},
	},
	{
		Title: "Mapping CRM Users",
		Steps: []ChecklistStep{{
			ID: "map-users", Title: "Map each 1stream user to their Halo user", Action: ActionMapping,
			Detail: "All intended users must exist in 1stream first. Then Administration > Manage Organization > CRM User Mappings: " +
				"pick the Halo user for each 1stream user and click Save. The Mapping screen prepares and checks this list.",
		}},
	},
	{
		Title: "Not seeing Halo users?",
		Steps: []ChecklistStep{{
			ID: "not-seeing", Title: "Make the API agent see the agents", Action: ActionRunCheck,
			Detail: "If Halo users are missing from 1stream's drop-down, add the 1stream API agent in Halo to the departments and teams " +
				"whose agents should be visible, and ensure multi-tenancy is enabled. The systems check lists what the API agent can see.",
		}},
	},
	{
		Title: "Fixing contacts' numbers with this assistant",
		Intro: "The Contacts screen (or contacts fix) rewrites numbers that Halo's phone search misses into one format, " +
			"previewed, journaled and undoable. These steps keep that safe for 1stream.",
		Steps: []ChecklistStep{
			{ID: "fix-second-app", Title: "Large tenant? Give this assistant its own Halo API application.", Action: ActionOpenHalo,
				Detail: "This assistant uses the Client ID and Secret that 1stream uses, so its requests count against the same Halo " +
					"rate limit (300 requests per rolling 5 minutes; whether Halo counts them per application or per tenant is not " +
					"documented). Bulk work (contacts audit, fix and undo, sync) takes at most its rate share, 50 % by default, and " +
					"leaves the rest to 1stream's live lookups. Where a tenant holds tens of thousands of contacts, create a second " +
					"application the same way (steps 7 to 13: Client ID and Secret (Services), Login Type Agent, the same API agent) " +
					"and give its Client ID and Secret to this assistant's profile: if Halo counts per application, bulk work then " +
					"never competes with 1stream."},
			{ID: "fix-refresh", Title: "After a fix, 1stream picks up corrected numbers at its next hourly refresh, or at once with its Systems Check.",
				Detail: "1stream's articles say that its contact cache only updates every hour and that its Systems Check pulls the " +
					"contacts and users. To have the corrected numbers at once, click the Systems Check link in 1stream's " +
					"Administration section (step 14 above)."},
		},
	},
}

// StepsProven returns the checklist steps a check report proves, in
// Checklist's words: every passed check proves its table entry's Proves
// (see checks), and the API User Notice ("halo-notice"), with the agent's
// Default Team and teams ("agent-4", "agent-teams"), is followed when
// the API agent works (identity) and actually sees other agents: the agents
// check passed and more than one enabled agent, not just itself, was
// visible. Identity alone passes for an API agent without teams, which sees
// nobody.
func StepsProven(r Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status != StatusPass {
			continue
		}
		for _, d := range checks {
			if d.ID == c.ID {
				out = append(out, d.Proves...)
			}
		}
	}
	if r.Check(CheckIdentity).Status == StatusPass && r.Check(CheckAgents).Status == StatusPass && r.Agents.Enabled > 1 {
		out = append(out, "halo-notice", "agent-4", "agent-teams")
	}
	return out
}
