package halotest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
)

// Contacts, customers and tickets of the simulated Halo, shaped like
// Halo's Users_List, Client and Tickets schemas. All names, numbers and
// addresses are made up; the numbers come from Ofcom's ranges for drama
// (020 7946 0xxx, 0113 496 0xxx, 07700 900xxx, …) or, for the generator,
// from blocks no real subscriber is likely to be asked about in a test.

type wireUser struct { // Users_List
	ID                   int    `json:"id"`
	Name                 string `json:"name"`
	FirstName            string `json:"firstname"`
	Surname              string `json:"surname"`
	EmailAddress         string `json:"emailaddress"`
	PhoneNumberPreferred string `json:"phonenumber_preferred"`
	SitePhoneNumber      string `json:"sitephonenumber"`
	PhoneNumber          string `json:"phonenumber"`
	HomeNumber           string `json:"homenumber"`
	MobileNumber         string `json:"mobilenumber"`
	MobileNumber2        string `json:"mobilenumber2"`
	ClientID             int    `json:"client_id"`
	ClientName           string `json:"client_name"`
	SiteID               int    `json:"site_id"`
	SiteName             string `json:"site_name"`
	Inactive             bool   `json:"inactive"`
	IsServiceAccount     bool   `json:"isserviceaccount"`
	Use                  string `json:"use"`

	general bool // Halo's General User of the customer; not on the wire
}

type wireClient struct { // Client
	ID           int    `json:"id"`
	Name         string `json:"name"`
	Inactive     bool   `json:"inactive"`
	TopLevelID   int    `json:"toplevel_id"`
	TopLevelName string `json:"toplevel_name"`
	MainSite     string `json:"main_site_name"`
}

type wireTicket struct { // Tickets
	ID         int    `json:"id"`
	Summary    string `json:"summary"`
	ClientID   int    `json:"client_id"`
	ClientName string `json:"client_name"`
	SiteID     int    `json:"site_id"`
	UserID     int    `json:"user_id"`
	UserName   string `json:"user_name"`
	StatusID   int    `json:"status_id"`
	TicketType int    `json:"tickettype_id"`
}

// contactSet is the contacts side of a dataset.
type contactSet struct {
	users    []wireUser
	userJSON [][]byte // pre-encoded, so 50,000 contacts are cheap to page
	clients  []wireClient
	tickets  []wireTicket

	mu       sync.Mutex
	selected map[string][]int // /Users filters → the records they select (no search)

	byID map[int]int // user id → position, built on the first write (users_write.go)
}

// ukNumber is a UK number as area code and subscriber parts, without the
// trunk 0: {"20", "7946", "0123"} is 020 7946 0123.
type ukNumber [3]string

// format writes n in one of the ways people type UK numbers into Halo.
func (n ukNumber) format(style int) string {
	a, b, c := n[0], n[1], n[2]
	switch style % 8 {
	case 0:
		return "0" + a + " " + b + " " + c
	case 1:
		return "+44 " + a + " " + b + " " + c
	case 2:
		return "0" + a + b + c
	case 3:
		return "(0" + a + ") " + b + "-" + c
	case 4:
		return "0044 " + a + " " + b + " " + c
	case 5:
		return "+44 (0)" + a + " " + b + " " + c
	case 6:
		return "+44" + a + b + c
	default:
		return "0" + a + " " + b + " " + c + " ext. " + c[len(c)-2:]
	}
}

// demoCustomer is a customer of the demo MSP with its one site.
type demoCustomer struct {
	name, site string
	area, exch string // the site's area code and exchange (drama ranges)
}

var demoCustomers = []demoCustomer{
	{"Northwind Traders", "London", "20", "7946"},
	{"Fabrikam Ltd", "Leeds", "113", "496"},
	{"Adventure Works", "Manchester", "161", "496"},
	{"Tailspin Toys", "Bristol", "117", "496"},
	{"Wide World Importers", "Edinburgh", "131", "496"},
}

// Demo contact defects, each present a few times (see buildDemoContacts).
// Exported so tests and the README can state what the demo holds.
const (
	DemoContacts        = 200 // every record /Users holds, General Users and service accounts included
	DemoActive          = 187 // active contacts that are neither General Users nor service accounts
	DemoMissingName     = 4
	DemoNoPhone         = 4
	DemoSharedNumbers   = 3 // numbers, held by 7 contacts
	DemoSharedContacts  = 7
	DemoUnparseable     = 3
	DemoInactive        = 5
	DemoServiceAccounts = 3
	DemoCustomers       = 5 // active customers (one more is inactive)
	DemoTickets         = 24
	// DemoFixChanges is how many numbers, of DemoFixContacts contacts, a
	// contacts fix to E.164 rewrites in the demo: its numbers are stored
	// the ways people type them (spaces, "(0113) 496-0107", "+44 (0)20 …",
	// "0044 …", "ext. 07"); the rest are E.164 already or do not parse.
	DemoFixChanges  = 211
	DemoFixContacts = 166
	// DemoSharedNumber is stored as "020 7946 0500" on one contact and as
	// "+44 20 7946 0500" on another: Halo's text search for either format
	// misses the other contact.
	DemoSharedNumber = "+44 20 7946 0500"
)

const firstContactID = 101

// buildContacts makes the contacts, customers and tickets a scenario asks
// for: the demo set, or ContactScenario.Count generated contacts.
func buildContacts(sc ContactScenario) *contactSet {
	var cs *contactSet
	if sc.Count > 0 {
		cs = generateContacts(sc.Count, sc.Seed)
	} else {
		cs = buildDemoContacts()
	}
	cs.userJSON = make([][]byte, len(cs.users))
	for i := range cs.users {
		cs.userJSON[i], _ = json.Marshal(cs.users[i])
	}
	return cs
}

var emailCleaner = strings.NewReplacer(" ", "", "'", "")

func email(first, last string, i int, domain string) string {
	local := strings.ToLower(asciiFold(first + "." + last))
	local = emailCleaner.Replace(local)
	if local == "." {
		local = fmt.Sprintf("contact%d", i)
	}
	return strings.Trim(local, ".") + "@" + domain
}

func domainOf(customer string) string {
	return strings.ToLower(strings.ReplaceAll(asciiFold(customer), " ", "")) + ".example"
}

func displayName(first, last string) string {
	return strings.TrimSpace(first + " " + last)
}

// buildDemoContacts is the demo tenant's contacts: 200 records across five
// customers, numbers stored in mixed formats, with every defect the audit
// looks for present a few times and each near-miss (a number held twice by
// one contact, shared only with an inactive contact or a service account)
// present once.
func buildDemoContacts() *contactSet {
	cs := &contactSet{}
	for i, c := range demoCustomers {
		cs.clients = append(cs.clients, wireClient{ID: i + 1, Name: c.name, TopLevelID: 1, TopLevelName: "Customers", MainSite: c.site})
	}
	cs.clients = append(cs.clients, wireClient{ID: len(demoCustomers) + 1, Name: "Litware Inc", Inactive: true, TopLevelID: 1, TopLevelName: "Customers", MainSite: "Head Office"})

	id := firstContactID
	seq := 0 // subscriber numbers handed out so far, so no two collide by accident
	add := func(cust int, first, last string, mutate func(u *wireUser)) {
		c := demoCustomers[cust]
		u := wireUser{
			ID: id, Name: displayName(first, last), FirstName: first, Surname: last,
			EmailAddress: email(first, last, id, domainOf(c.name)),
			ClientID:     cust + 1, ClientName: c.name, SiteID: cust + 1, SiteName: c.site,
			SitePhoneNumber: ukNumber{c.area, c.exch, "0000"}.format(0),
			Use:             "user",
		}
		seq++
		u.PhoneNumber = ukNumber{c.area, c.exch, fmt.Sprintf("%04d", 100+seq)}.format(seq)
		if seq%3 == 0 {
			u.MobileNumber = ukNumber{"7700", "900", fmt.Sprintf("%03d", seq)}.format(seq / 3)
		}
		if mutate != nil {
			mutate(&u)
		}
		u.PhoneNumberPreferred = firstNonBlank(u.PhoneNumber, u.MobileNumber, u.HomeNumber, u.MobileNumber2)
		cs.users = append(cs.users, u)
		id++
	}
	person := func(k int) (string, string) {
		return genFirst[k%len(genFirst)], genLast[(k*7+3)%len(genLast)]
	}

	// General Users: Halo's placeholder contact of each customer.
	for i := range demoCustomers {
		add(i, "", "", func(u *wireUser) {
			u.Name, u.EmailAddress, u.PhoneNumber, u.MobileNumber = "General User", "", "", ""
			u.general = true
		})
	}
	// Missing first name (2) or surname (2).
	for k := range 4 {
		f, l := person(k)
		if k < 2 {
			f = ""
		} else {
			l = ""
		}
		add(k%5, f, l, nil)
	}
	// No phone of their own (the site's number is not theirs).
	for k := 4; k < 8; k++ {
		f, l := person(k)
		add(k%5, f, l, func(u *wireUser) { u.PhoneNumber, u.MobileNumber = "", "" })
	}
	// Shared numbers: three numbers held by 2, 3 and 2 contacts, each copy
	// typed differently.
	for k, stored := range []string{"020 7946 0500", DemoSharedNumber} {
		f, l := person(8 + k)
		add(0, f, l, func(u *wireUser) { u.PhoneNumber, u.MobileNumber = stored, "" })
	}
	for k, stored := range []string{"0113 496 0999", "(0113) 496-0999", "01134960999"} {
		f, l := person(10 + k)
		add(1, f, l, func(u *wireUser) { u.PhoneNumber = stored })
	}
	f, l := person(13)
	add(2, f, l, func(u *wireUser) { u.MobileNumber = "07700 900555" })
	f, l = person(14)
	add(3, f, l, func(u *wireUser) { u.MobileNumber2 = "+447700900555" })
	// Unparseable: not a possible UK number.
	for k, stored := range []string{"TBC", "ext 204", "2045"} {
		f, l := person(15 + k)
		add(k+1, f, l, func(u *wireUser) { u.PhoneNumber, u.MobileNumber = stored, "" })
	}
	// Near misses that are not defects: one contact holding its number
	// twice, and numbers shared only with an inactive contact or a service
	// account.
	f, l = person(18)
	add(0, f, l, func(u *wireUser) { u.PhoneNumber, u.HomeNumber = "020 7946 0600", "02079460600" })
	f, l = person(19)
	add(4, f, l, func(u *wireUser) { u.PhoneNumber = "0131 496 0777" })
	f, l = person(20)
	add(2, f, l, func(u *wireUser) { u.PhoneNumber = "0161 496 0888" })
	// Inactive contacts (one of them would otherwise be a defect twice over).
	for k := range 5 {
		f, l := person(21 + k)
		if k == 0 {
			l = ""
		}
		add(k, f, l, func(u *wireUser) {
			u.Inactive = true
			if k == 1 {
				u.PhoneNumber = "+44 131 496 0777"
			}
		})
	}
	// Service accounts: no surname, sometimes a number shared with a person.
	for k, name := range []string{"Scanner", "Backup Service", "Teams Room"} {
		add(k+2, name, "", func(u *wireUser) {
			u.IsServiceAccount = true
			u.MobileNumber = ""
			if k == 0 {
				u.PhoneNumber = "0161 496 0888"
			}
		})
	}
	// Everyone else: clean.
	for k := 26; len(cs.users) < DemoContacts; k++ {
		f, l := person(k)
		add(k%5, f, l, nil)
	}
	cs.tickets = demoTickets(cs.users, DemoTickets)
	return cs
}

func firstNonBlank(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

var ticketSummaries = []string{"Printer offline", "Cannot log in to VPN", "New starter laptop", "Email not syncing on phone", "Teams call quality", "Password reset", "Shared drive full", "Wi-Fi drops in meeting room"}

// demoTickets raises n tickets from the active contacts in turn.
func demoTickets(users []wireUser, n int) []wireTicket {
	var out []wireTicket
	for i := 0; len(out) < n && i < len(users)*n; i++ {
		u := users[(i*7)%len(users)]
		if u.Inactive || u.general || u.IsServiceAccount {
			continue
		}
		out = append(out, wireTicket{
			ID: 1000 + len(out) + 1, Summary: ticketSummaries[len(out)%len(ticketSummaries)],
			ClientID: u.ClientID, ClientName: u.ClientName, SiteID: u.SiteID,
			UserID: u.ID, UserName: u.Name, StatusID: 1 + len(out)%4, TicketType: 1,
		})
	}
	return out
}

// generateContacts makes n contacts for volume tests: 100 per customer
// (each customer's General User included), numbers in mixed formats, and
// per thousand about 10 missing a name, 10 without a phone, 5 pairs sharing
// a number, 5 unparseable, 20 inactive and 5 service accounts.
func generateContacts(n int, seed int64) *contactSet {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	cs := &contactSet{users: make([]wireUser, 0, n)}
	const perCustomer = 100
	for i := range n {
		cust := i / perCustomer
		if i%perCustomer == 0 {
			cs.clients = append(cs.clients, wireClient{ID: cust + 1, Name: fmt.Sprintf("Customer %04d Ltd", cust+1), TopLevelID: 1, TopLevelName: "Customers", MainSite: "Head Office"})
		}
		cname := cs.clients[cust].Name
		first, last := genFirst[rng.IntN(len(genFirst))], genLast[rng.IntN(len(genLast))]
		u := wireUser{
			ID: firstContactID + i, Name: displayName(first, last), FirstName: first, Surname: last,
			EmailAddress: email(first, last, i, fmt.Sprintf("customer%04d.example", cust+1)),
			ClientID:     cust + 1, ClientName: cname, SiteID: cust + 1, SiteName: "Head Office",
			SitePhoneNumber: ukNumber{"20", fmt.Sprintf("8%03d", cust%1000), "0000"}.format(0),
			Use:             "user",
		}
		// 020 3xxx xxxx: ten million numbers, one per contact.
		sub := fmt.Sprintf("%07d", i)
		u.PhoneNumber = ukNumber{"20", "3" + sub[:3], sub[3:]}.format(rng.IntN(8))
		if rng.IntN(3) == 0 {
			u.MobileNumber = ukNumber{"7400", sub[1:4], sub[4:]}.format(rng.IntN(8))
		}
		switch r := rng.IntN(1000); {
		case i%perCustomer == 0:
			u.Name, u.FirstName, u.Surname, u.EmailAddress, u.PhoneNumber, u.MobileNumber = "General User", "", "", "", "", ""
			u.general = true
		case r < 10:
			u.FirstName = ""
			u.Name = last
		case r < 20:
			u.PhoneNumber, u.MobileNumber = "", ""
		case r < 25 && i > 0:
			// Shares the previous contact's office number, typed another way.
			prev := fmt.Sprintf("%07d", i-1)
			u.PhoneNumber = ukNumber{"20", "3" + prev[:3], prev[3:]}.format(rng.IntN(8))
		case r < 30:
			u.PhoneNumber = "TBC"
		case r < 50:
			u.Inactive = true
		case r < 55:
			u.IsServiceAccount = true
			u.Surname, u.Name = "", first
		}
		u.PhoneNumberPreferred = firstNonBlank(u.PhoneNumber, u.MobileNumber)
		cs.users = append(cs.users, u)
	}
	cs.tickets = demoTickets(cs.users, min(n, 500))
	return cs
}

// GenerateContactsJSON is the /Users records of ContactScenario{Count: n,
// Seed: seed} as one JSON array (General Users, inactive contacts and
// service accounts included), for benchmarks that audit contacts without a
// server.
func GenerateContactsJSON(n int, seed int64) []byte {
	b, _ := json.Marshal(generateContacts(n, seed).users)
	return b
}
