package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/mattn/go-sqlite3"
)

// ContactsSnapshot is what a profile's last contacts audit pulled from Halo:
// the contacts in Halo's order, when, the region their numbers were read
// for, and what the audit's probe learnt of Halo's phone search (zero for
// audits stored before probes existed). Contacts are personal data: they
// are kept only here, never in the audit log or in error messages.
type ContactsSnapshot struct {
	ProfileID int64
	PulledAt  time.Time
	Region    string
	HaloBase  string // the Halo pulled from (halo.Instance.Base); "" when stored before it was kept
	Probe     contacts.SearchProbe
	Contacts  []halo.Contact
}

// ContactsSummary is the outcome of a profile's last contacts audit, stored
// apart from the contacts so status can report it without loading them.
type ContactsSummary struct {
	At            time.Time // when the contacts were pulled
	Region        string
	Probe         contacts.SearchProbe // the snapshot's: what the audit learnt of Halo's phone search
	Contacts      int                  // contacts in the snapshot
	Active        int                  // of them, the active ones the problems are counted on
	SearchMiss    int                  // active contacts with a number Halo's search misses (only when Probe.Answer is text)
	MissingName   int                  // active contacts without a first name or a surname
	NoPhone       int                  // active contacts with none of their own four numbers
	SharedNumbers int                  // normalised numbers held by two or more active contacts (numbers, not contacts)
	Unparseable   int
	Changes       ContactsChanges
}

// ContactsChanges is how an audit compared with the profile's audit before
// it, in counts.
type ContactsChanges struct {
	// Recorded is false for audits stored by versions that did not keep
	// this: what changed then is not known.
	Recorded   bool
	PreviousAt time.Time // the audit compared with; zero on the profile's first
	Fixed, New int       // problems gone since then, and problems new
}

// First reports whether the audit was the profile's first.
func (c ContactsChanges) First() bool { return c.Recorded && c.PreviousAt.IsZero() }

// Problems is the number of problems the audit found.
func (s ContactsSummary) Problems() int {
	return s.SearchMiss + s.MissingName + s.NoPhone + s.SharedNumbers + s.Unparseable
}

// validateRegion accepts "" or two upper-case ASCII letters. Whether the
// code is a region libphonenumber knows is the caller's to check; this keeps
// anything else (lower case, "GBR", "uk ") out of the database.
func validateRegion(r string) error {
	if r == "" || (len(r) == 2 && r[0] >= 'A' && r[0] <= 'Z' && r[1] >= 'A' && r[1] <= 'Z') {
		return nil
	}
	return errorf(ErrInvalid, "the region must be a two-letter ISO 3166 country code in capitals such as GB or US, not %q", r)
}

// checkContactsSummary fills the summary's At, Region, Probe and Contacts
// from the snapshot when they are zero and rejects counts that cannot
// describe it, so the stored counts always belong to the stored contacts.
func checkContactsSummary(snap ContactsSnapshot, sum ContactsSummary) (ContactsSummary, error) {
	if sum.At.IsZero() {
		sum.At = snap.PulledAt
	}
	if sum.Region == "" {
		sum.Region = snap.Region
	}
	if sum.Contacts == 0 {
		sum.Contacts = len(snap.Contacts)
	}
	if sum.Probe == (contacts.SearchProbe{}) {
		sum.Probe = snap.Probe
	}
	switch {
	case !snap.Probe.Valid():
		return sum, errorf(ErrInvalid, "the contacts snapshot's search probe (%q, %q) is not one a probe gives",
			snap.Probe.Answer, snap.Probe.Outcome)
	case sum.Probe != snap.Probe:
		return sum, errorf(ErrInvalid, "the contacts summary's search probe differs from the snapshot's")
	case sum.SearchMiss > 0 && snap.Probe.Answer != contacts.HaloSearchText:
		return sum, errorf(ErrInvalid, "the contacts summary counts search misses, but the probe did not find that Halo's search matches the stored text")
	case !sum.At.Equal(snap.PulledAt):
		return sum, errorf(ErrInvalid, "the contacts summary is dated %s but the snapshot was pulled at %s",
			fmtTime(sum.At), fmtTime(snap.PulledAt))
	case sum.Region != snap.Region:
		return sum, errorf(ErrInvalid, "the contacts summary is for region %q but the snapshot for %q", sum.Region, snap.Region)
	case sum.Contacts != len(snap.Contacts):
		return sum, errorf(ErrInvalid, "the contacts summary counts %d contacts but the snapshot holds %d", sum.Contacts, len(snap.Contacts))
	case sum.Active < 0 || sum.SearchMiss < 0 || sum.MissingName < 0 || sum.NoPhone < 0 || sum.SharedNumbers < 0 || sum.Unparseable < 0:
		return sum, errorf(ErrInvalid, "the contacts summary has a negative count")
	case sum.Active > sum.Contacts:
		return sum, errorf(ErrInvalid, "the contacts summary counts %d active contacts of %d", sum.Active, sum.Contacts)
	case sum.SearchMiss > sum.Active || sum.MissingName > sum.Active || sum.NoPhone > sum.Active:
		return sum, errorf(ErrInvalid, "the contacts summary counts more problem contacts than the %d active ones", sum.Active)
	}
	ch := sum.Changes
	switch {
	case !ch.Recorded && ch != (ContactsChanges{}):
		return sum, errorf(ErrInvalid, "the contacts summary has changes but does not say they were recorded")
	case ch.Fixed < 0 || ch.New < 0:
		return sum, errorf(ErrInvalid, "the contacts summary has a negative count of changes")
	case ch.PreviousAt.IsZero() && ch.Fixed+ch.New > 0:
		return sum, errorf(ErrInvalid, "a first contacts audit cannot have changes since a previous one")
	}
	return sum, nil
}

// ReplaceContacts stores a contacts audit: the profile's previous contacts
// snapshot and summary are replaced by snap and sum in one transaction, so
// on any error (a contact ID twice, a cancelled ctx) the previous audit is
// left as it was. snap.PulledAt defaults to now; snap.Region must be the
// region the numbers were read for. sum.At, sum.Region and sum.Contacts
// default to the snapshot's and must match it when set. The audit log gets
// the counts only; no copy of the previous contacts stays in the files
// (see scrub).
func (db *DB) ReplaceContacts(ctx context.Context, snap ContactsSnapshot, sum ContactsSummary) error {
	if snap.PulledAt.IsZero() {
		snap.PulledAt = time.Now()
	}
	// Stored at the database's precision, so the summary and snapshot read
	// back equal to what the caller compares them with.
	snap.PulledAt = parseTime(fmtTime(snap.PulledAt))
	if !sum.At.IsZero() {
		sum.At = parseTime(fmtTime(sum.At))
	}
	var previousAt sql.NullString
	if !sum.Changes.PreviousAt.IsZero() {
		sum.Changes.PreviousAt = parseTime(fmtTime(sum.Changes.PreviousAt))
		previousAt = sql.NullString{String: fmtTime(sum.Changes.PreviousAt), Valid: true}
	}
	if snap.Region == "" {
		return errorf(ErrInvalid, "a contacts snapshot needs the region its numbers were read for")
	}
	if err := validateRegion(snap.Region); err != nil {
		return err
	}
	sum, err := checkContactsSummary(snap, sum)
	if err != nil {
		return err
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, snap.ProfileID)
		if err != nil {
			return err
		}
		// The contacts go first and explicitly: a cascade would delete them
		// one parent row at a time through the foreign key instead.
		if _, err := tx.ExecContext(ctx, "DELETE FROM contacts WHERE profile_id = ?", snap.ProfileID); err != nil {
			return err
		}
		// An upsert, not INSERT OR REPLACE: a replace is a delete, which
		// would cascade to the contacts about to be written.
		if _, err := tx.ExecContext(ctx, `INSERT INTO contact_snapshots (profile_id, pulled_at, region,
			contacts, active, missing_name, no_phone, shared_numbers, unparseable,
			changes_recorded, previous_at, fixed_since_last, new_since_last, halo_search, search_probe, search_miss, halo_base)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (profile_id) DO UPDATE SET pulled_at = excluded.pulled_at, region = excluded.region,
				contacts = excluded.contacts, active = excluded.active, missing_name = excluded.missing_name,
				no_phone = excluded.no_phone, shared_numbers = excluded.shared_numbers, unparseable = excluded.unparseable,
				changes_recorded = excluded.changes_recorded, previous_at = excluded.previous_at,
				fixed_since_last = excluded.fixed_since_last, new_since_last = excluded.new_since_last,
				halo_search = excluded.halo_search, search_probe = excluded.search_probe, search_miss = excluded.search_miss,
				halo_base = excluded.halo_base`,
			snap.ProfileID, fmtTime(snap.PulledAt), snap.Region, sum.Contacts, sum.Active,
			sum.MissingName, sum.NoPhone, sum.SharedNumbers, sum.Unparseable,
			sum.Changes.Recorded, previousAt, sum.Changes.Fixed, sum.Changes.New,
			string(snap.Probe.Answer), string(snap.Probe.Outcome), sum.SearchMiss, snap.HaloBase); err != nil {
			return err
		}
		if err := insertContacts(ctx, tx, snap.ProfileID, snap.Contacts); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionContactsAudited,
			Detail: fmt.Sprintf("stored %d contacts (%d active, region %s, %s): %d search misses, %d missing name, %d no phone, %d shared numbers, %d unparseable",
				sum.Contacts, sum.Active, sum.Region, probeDetail(snap.Probe), sum.SearchMiss, sum.MissingName, sum.NoPhone, sum.SharedNumbers, sum.Unparseable)})
	})
	if err != nil {
		return err
	}
	// The previous snapshot's contacts are personal data: no copy stays.
	return db.scrub(ctx)
}

// probeDetail is the audit log's words for a search probe.
func probeDetail(p contacts.SearchProbe) string {
	switch {
	case p.Carried():
		return "Halo's search: " + string(p.Answer) + " (an earlier probe's; this one: " + string(p.Outcome) + ")"
	case p.Answer != contacts.HaloSearchUnknown:
		return "Halo's search: " + string(p.Answer)
	case p.Outcome == contacts.ProbeNotRun:
		return "Halo's search not probed"
	}
	return "Halo's search not known: " + string(p.Outcome)
}

const contactCols = `id, name, firstname, surname, emailaddress, phonenumber, homenumber, mobilenumber,
	mobilenumber2, sitephonenumber, client_id, client_name, site_id, site_name, inactive, isserviceaccount`

// insertContacts writes the contacts through one prepared statement. (One
// multi-row INSERT per 64 contacts measured slower with go-sqlite3: binding
// dominates either way.)
func insertContacts(ctx context.Context, tx *sql.Tx, profileID int64, contacts []halo.Contact) error {
	if len(contacts) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO contacts (profile_id, pos, `+contactCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, c := range contacts {
		if _, err := stmt.ExecContext(ctx, profileID, i, c.ID, c.Name, c.FirstName, c.Surname, c.Email,
			c.PhoneNumber, c.HomeNumber, c.MobileNumber, c.MobileNumber2, c.SitePhone,
			c.ClientID, c.ClientName, c.SiteID, c.SiteName, boolInt(c.Inactive), boolInt(c.IsServiceAccount)); err != nil {
			return contactWriteError(contacts[:i+1], err)
		}
	}
	return nil
}

// contactWriteError names the contact ID behind a duplicate key among the
// contacts written so far; the message carries no name or number.
func contactWriteError(written []halo.Contact, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) {
		seen := make(map[int]bool, len(written))
		for _, c := range written {
			if seen[c.ID] {
				return errorf(ErrInvalid, "contact %d appears twice in the pull; nothing was stored", c.ID)
			}
			seen[c.ID] = true
		}
		return errorf(ErrInvalid, "a contact of the pull appears twice; nothing was stored")
	}
	return err
}

// Contacts returns the profile's contacts snapshot (contacts in the order
// they were stored); ok is false, and the snapshot empty, when the profile
// was never audited or its snapshot was forgotten.
func (db *DB) Contacts(ctx context.Context, profileID int64) (ContactsSnapshot, bool, error) {
	snap := ContactsSnapshot{ProfileID: profileID, Contacts: []halo.Contact{}}
	var found bool
	err := db.readTx(ctx, func(q querier) error {
		if _, err := getProfile(ctx, q, profileID); err != nil {
			return err
		}
		var at, answer, outcome string
		var n int
		err := q.QueryRowContext(ctx, "SELECT pulled_at, region, contacts, halo_search, search_probe, halo_base FROM contact_snapshots WHERE profile_id = ?",
			profileID).Scan(&at, &snap.Region, &n, &answer, &outcome, &snap.HaloBase)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found, snap.PulledAt = true, parseTime(at)
		snap.Probe = contacts.SearchProbe{Answer: contacts.HaloSearch(answer), Outcome: contacts.ProbeOutcome(outcome)}
		rows, err := q.QueryContext(ctx, "SELECT "+contactCols+" FROM contacts WHERE profile_id = ? ORDER BY pos", profileID)
		if err != nil {
			return err
		}
		defer rows.Close()
		snap.Contacts = make([]halo.Contact, 0, n)
		for rows.Next() {
			var c halo.Contact
			if err := rows.Scan(&c.ID, &c.Name, &c.FirstName, &c.Surname, &c.Email, &c.PhoneNumber, &c.HomeNumber,
				&c.MobileNumber, &c.MobileNumber2, &c.SitePhone, &c.ClientID, &c.ClientName, &c.SiteID, &c.SiteName,
				&c.Inactive, &c.IsServiceAccount); err != nil {
				return err
			}
			snap.Contacts = append(snap.Contacts, c)
		}
		return rows.Err()
	})
	if err != nil {
		return ContactsSnapshot{}, false, err
	}
	return snap, found, nil
}

// ContactsSummary returns the counts of the profile's last contacts audit
// without reading the contacts; ok is false when there is none.
func (db *DB) ContactsSummary(ctx context.Context, profileID int64) (ContactsSummary, bool, error) {
	var id int64
	var at, region, previousAt, answer, outcome sql.NullString
	var counts [10]sql.NullInt64
	err := db.db.QueryRowContext(ctx, `SELECT p.id, s.pulled_at, s.region, s.contacts, s.active, s.missing_name,
		s.no_phone, s.shared_numbers, s.unparseable, s.changes_recorded, s.previous_at, s.fixed_since_last, s.new_since_last,
		s.halo_search, s.search_probe, s.search_miss
		FROM profiles p LEFT JOIN contact_snapshots s ON s.profile_id = p.id WHERE p.id = ?`, profileID).Scan(
		&id, &at, &region, &counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5],
		&counts[6], &previousAt, &counts[7], &counts[8], &answer, &outcome, &counts[9])
	if errors.Is(err, sql.ErrNoRows) {
		return ContactsSummary{}, false, errorf(ErrNotFound, "profile %d not found", profileID)
	}
	if err != nil || !at.Valid {
		return ContactsSummary{}, false, err
	}
	var changes ContactsChanges
	if counts[6].Int64 == 1 {
		changes = ContactsChanges{Recorded: true, Fixed: int(counts[7].Int64), New: int(counts[8].Int64)}
		if previousAt.Valid {
			changes.PreviousAt = parseTime(previousAt.String)
		}
	}
	return ContactsSummary{
		At:            parseTime(at.String),
		Region:        region.String,
		Probe:         contacts.SearchProbe{Answer: contacts.HaloSearch(answer.String), Outcome: contacts.ProbeOutcome(outcome.String)},
		Contacts:      int(counts[0].Int64),
		Active:        int(counts[1].Int64),
		SearchMiss:    int(counts[9].Int64),
		MissingName:   int(counts[2].Int64),
		NoPhone:       int(counts[3].Int64),
		SharedNumbers: int(counts[4].Int64),
		Unparseable:   int(counts[5].Int64),
		Changes:       changes,
	}, true, nil
}

// ForgetContacts drops the profile's contacts snapshot and summary, and the
// journal of its contact changes (after which no run can be undone), and
// reports whether there was either. Dropping is audited, with counts only,
// and leaves no copy of the contacts in the files (see scrub).
func (db *DB) ForgetContacts(ctx context.Context, profileID int64) (bool, error) {
	var dropped bool
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, profileID)
		if err != nil {
			return err
		}
		runs, err := deleteJournal(ctx, tx, profileID)
		if err != nil {
			return err
		}
		var n, active int
		err = tx.QueryRowContext(ctx, "SELECT contacts, active FROM contact_snapshots WHERE profile_id = ?",
			profileID).Scan(&n, &active)
		if errors.Is(err, sql.ErrNoRows) {
			if runs == 0 {
				return nil
			}
			dropped = true
			return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionContactsForgotten,
				Detail: fmt.Sprintf("dropped the journal of %d contact change runs", runs)})
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM contacts WHERE profile_id = ?", profileID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM contact_snapshots WHERE profile_id = ?", profileID); err != nil {
			return err
		}
		dropped = true
		detail := fmt.Sprintf("dropped the contacts snapshot (%d contacts, %d active)", n, active)
		if runs > 0 {
			detail += fmt.Sprintf(" and the journal of %d contact change runs", runs)
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionContactsForgotten,
			Detail: detail})
	})
	if err != nil || !dropped {
		return dropped, err
	}
	return true, db.scrub(ctx)
}
