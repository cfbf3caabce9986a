package cli

import (
	"slices"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The journey on the demo's Halo, as an admin types it: the audit
// finds numbers Halo's search misses, Test a caller shows one missed, the
// fix writes them, the next audit counts fewer, the caller is found, and
// undo brings the misses back.
func TestContactsDemoJourneyCountsFallAndUndoRestores(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	audit := func(step string) contactsAuditJSON {
		t.Helper()
		r := h.run("", "contacts", "audit", "--profile", "C", "--json")
		if r.code > 1 {
			t.Fatalf("%s: audit: %+v", step, r)
		}
		return decodeAudit(t, r)
	}
	lookup := func(step, number string) lookupJSON {
		t.Helper()
		r := h.run("", "lookup", "--profile", "C", "--json", number)
		if r.code > 1 {
			t.Fatalf("%s: lookup: %+v", step, r)
		}
		return decodeAs[lookupJSON](t, r)
	}
	before := audit("before")
	if before.SearchMiss == 0 || before.Problems[0].Problem != "search_miss" {
		t.Fatalf("the demo shows no search miss first: %+v", before)
	}
	missed := before.Problems[0]
	number := missed.Numbers[0]
	if l := lookup("before", number); !slices.Contains(l.MissedByHalo, missed.ContactID) {
		t.Fatalf("lookup %s before the fix: contact %d not missed by Halo: %+v", number, missed.ContactID, l)
	}

	fix := decodeFix(t, h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json"))
	if !fix.OK || fix.Written == 0 {
		t.Fatalf("fix: %+v", fix)
	}
	after := audit("after the fix")
	if after.SearchMiss >= before.SearchMiss || after.FixedSinceLast == 0 {
		t.Fatalf("search misses %d → %d, fixed since last %d (%s, %s), written %d", before.SearchMiss, after.SearchMiss, after.FixedSinceLast, after.HaloSearch, after.SearchProbe, fix.Written)
	}
	if after.SearchMiss != srv.TextSearchMisses() {
		t.Fatalf("after the fix the audit counts %d misses, the simulated Halo has %d", after.SearchMiss, srv.TextSearchMisses())
	}
	l := lookup("after the fix", number)
	found := false
	for _, m := range l.Matches {
		found = found || (m.ContactID == missed.ContactID && m.InHaloSearch && len(m.FoundAs) > 0)
	}
	if !found || slices.Contains(l.MissedByHalo, missed.ContactID) {
		t.Fatalf("lookup %s after the fix does not find contact %d through Halo's search: %+v", number, missed.ContactID, l)
	}

	undo := decodeUndo(t, h.run("", "contacts", "undo", "--profile", "C", "--yes", "--json"))
	if !undo.OK || undo.Restored != fix.Written {
		t.Fatalf("undo: %+v after fix %+v", undo, fix)
	}
	if again := audit("after undo"); again.SearchMiss != before.SearchMiss {
		t.Fatalf("after undo %d search misses, before the fix %d", again.SearchMiss, before.SearchMiss)
	}
}
