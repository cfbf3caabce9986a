package halo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// What a phone integration reads besides agents: contacts (Halo's
// "Users"), customers ("Client") and tickets. Names and numbers are
// personal data: nothing here logs them, and the client logs paths only,
// never a query string (which carries a searched number).

// Contacts pulls every active contact the API agent can see, leaving out
// Halo's General Users (one placeholder per customer) and service accounts.
// Pages are pipelined within the rate limiter like the agent pull (see
// pageAll); progress reports Stage "contacts" with pages and records
// pulled and the totals record_count promises (records include those the
// client-side filter then drops), and may be nil. Cancelling ctx stops
// the pull.
func (c *Client) Contacts(ctx context.Context, progress func(PullProgress)) ([]Contact, error) {
	spec := listSpec{path: "Users", key: "users", what: "contacts", one: "contact", filter: contactsQuery()}
	var report pageProgress
	if progress != nil {
		report = func(pages, pagesTotal, n, total int) {
			progress(PullProgress{Stage: "contacts", Pages: pages, PagesTotal: pagesTotal, Contacts: n, ContactsTotal: total})
		}
	}
	// Bulk work: the pull takes at most the RateShare of the limit.
	all, err := pageAll(withBulk(ctx), c, spec, func(u Contact) int { return u.ID }, report)
	if err != nil {
		return nil, err
	}
	// Halo may ignore a filter it does not know in this version: the
	// records themselves decide.
	out := all[:0]
	for _, u := range all {
		if !u.Inactive && !u.IsServiceAccount {
			out = append(out, u)
		}
	}
	return out, nil
}

// contactsQuery filters /Users to active contacts without General Users
// and service accounts.
func contactsQuery() url.Values {
	q := url.Values{}
	q.Set("includeactive", "true")
	q.Set("includeinactive", "false")
	q.Set("exclude_generaluser", "true")
	q.Set("includeserviceaccount", "false")
	return q
}

// SearchContactsByPhone asks Halo for the contacts with a phone number
// "like" number, the way a phone system looks a caller up: one request,
// GET /api/Users?search=<number>&search_phonenumbers=true. Halo compares
// its own way (possibly the stored text), so the number's format matters.
func (c *Client) SearchContactsByPhone(ctx context.Context, number string) ([]Contact, error) {
	q := url.Values{}
	q.Set("search", number)
	q.Set("search_phonenumbers", "true")
	// Bounded like every list: its records and its bytes.
	users, _, _, err := getList[Contact](ctx, c, "Users", q, "users", "contacts")
	return users, err
}

// ProbeContacts asks for one contact to learn whether the API agent may
// read contacts and how many it sees (General Users left out). One
// read-only request.
func (c *Client) ProbeContacts(ctx context.Context) (int, error) {
	return probe[Contact](ctx, c, "Users", "users", contactsQuery())
}

// ProbeCustomers asks for one customer (GET /api/Client) and returns how
// many the API agent sees.
func (c *Client) ProbeCustomers(ctx context.Context) (int, error) {
	return probe[Customer](ctx, c, "Client", "clients", nil)
}

// ProbeTickets asks for one ticket (GET /api/Tickets) and returns how many
// the API agent sees.
func (c *Client) ProbeTickets(ctx context.Context) (int, error) {
	return probe[Ticket](ctx, c, "Tickets", "tickets", nil)
}

// probe requests a one-record page; the count is record_count, or the
// records sent when Halo ignores paging. 401/403 and Halo's access
// messages come back as errors IsNoAccess recognises.
func probe[T any](ctx context.Context, c *Client, path, key string, q url.Values) (int, error) {
	if q == nil {
		q = url.Values{}
	}
	q.Set("pageinate", "true")
	q.Set("page_size", "1")
	q.Set("page_no", "1")
	items, meta, _, err := getList[T](ctx, c, path, q, key, key)
	if err != nil {
		return 0, err
	}
	if meta.HasCount {
		return max(meta.RecordCount, len(items)), nil
	}
	return len(items), nil
}

// accessDenied recognises an answer that is no list but Halo's message
// that the agent lacks the permission (some versions answer 200 with it).
func (c *Client) accessDenied(path string, body []byte) *Error {
	var w haloErrorWire
	if json.Unmarshal(body, &w) != nil {
		return nil
	}
	return c.accessDeniedText(path, firstNonEmpty(w.ErrorDescription, w.Message, w.Title, w.ClassName))
}

// accessDeniedText is accessDenied for the description already taken from
// the answer (see readList).
func (c *Client) accessDeniedText(path, desc string) *Error {
	if !accessText(desc) {
		return nil
	}
	e := newError(KindForbidden, "", "Halo refused access to /api/"+path+": the API application's login agent lacks permissions.", nil)
	e.Status = http.StatusForbidden
	e.Description = c.serverText(desc)
	return e
}

// IsNoAccess reports whether err means the API agent may not read what was
// asked: HTTP 403, a 401 on a data call (the token itself was accepted, or
// the error would carry Halo's OAuth code), or Halo's access-denied
// message in another answer.
func IsNoAccess(err error) bool {
	var he *Error
	if !errors.As(err, &he) {
		return false
	}
	switch {
	case he.Kind == KindForbidden, he.Status == http.StatusForbidden:
		return true
	case he.Status == http.StatusUnauthorized && he.Code == "":
		return true
	case he.Status == http.StatusBadRequest:
		return accessText(he.Description)
	}
	return false
}

// accessText matches the wordings Halo and its gateways use to refuse a
// read for lack of permission.
func accessText(s string) bool {
	s = strings.ToLower(s)
	for _, w := range []string{"permission", "access denied", "unauthorizedaccess", "not authorised", "not authorized", "do not have access", "don't have access", "no access"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
