package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

func TestHistoryListsRunsAndOpensReports(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ce.runCheck(t).close()
	_ = storage.StoreSecret(context.Background(), ce.db, ce.secrets, ce.p, "wrong-secret", "")
	ce.runCheck(t).close()
	// A sync stored without a per-check report (e.g. by the CLI).
	if _, err := ce.db.AddRun(context.Background(), storage.Run{ProfileID: ce.p.ID, Kind: storage.RunSync,
		StartedAt: time.Now().Add(time.Minute), Duration: 2 * time.Second, OK: true, Summary: "Synced", Agents: 41}); err != nil {
		t.Fatal(err)
	}

	h := findScreen[*historyScreen](ce.u)
	if h == nil {
		t.Fatal("history screen not registered")
	}
	ce.u.showScreen(func(s screen) bool { return s == screen(h) })
	ce.wait()
	if len(h.runs.listed) != 3 || h.runs.stack.Objects[0] != h.runs.list {
		t.Fatalf("runs = %+v", h.runs.listed)
	}
	if h.runs.listed[0].Kind != storage.RunSync || h.runs.listed[1].OK || !h.runs.listed[2].OK {
		t.Fatalf("runs are not newest first: %+v", h.runs.listed)
	}

	// The failed check opens with its fixes; Copy report copies Markdown.
	h.runs.list.Select(1)
	ce.wait()
	rd := h.runs.detail
	if rd == nil || rd.report == nil {
		t.Fatal("the run did not open")
	}
	if rd.list.byID[halo.CheckToken].status != halo.StatusFail || !rd.list.byID[halo.CheckToken].fix.Visible() {
		t.Fatal("the stored report lost the failed check and its fix")
	}
	test.Tap(rd.copyBtn)
	if md := ce.u.app.Clipboard().Content(); !strings.Contains(md, "problems found") || strings.Contains(md, "wrong-secret") {
		t.Fatalf("copied report:\n%s", md)
	}
	ce.u.escape()
	if ce.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc must close the report")
	}

	// The sync has no per-check report and says so.
	h.runs.list.Select(0)
	ce.wait()
	if !strings.Contains(h.runs.detail.summary.Text, "No per-check report") || !h.runs.detail.copyBtn.Disabled() {
		t.Fatalf("sync detail = %q", h.runs.detail.summary.Text)
	}
	h.runs.detail.d.Hide()
}

func TestHistoryAuditLogFilter(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Alpha")
	createProfileByTyping(t, te, "Beta")
	ctx := context.Background()
	beta := te.u.current.ID
	if err := te.db.AppendAudit(ctx, storage.AuditEvent{ProfileID: beta, Action: storage.ActionSecretStored, Detail: "Client Secret stored in the system keyring"}); err != nil {
		t.Fatal(err)
	}
	if err := te.db.SetChecklistStep(ctx, beta, "halo-9", true, ""); err != nil {
		t.Fatal(err)
	}
	h := findScreen[*historyScreen](te.u)
	te.u.showScreen(func(s screen) bool { return s == screen(h) })
	te.wait()
	// This profile only: its creation, the secret and the tick.
	for _, e := range h.audit.events {
		if e.ProfileID != beta {
			t.Fatalf("event of another profile listed: %+v", e)
		}
	}
	if len(h.audit.events) != 3 || h.audit.events[0].Action != storage.ActionChecklistChecked {
		t.Fatalf("events = %+v", h.audit.events)
	}
	test.Type(h.audit.filter, "secret")
	te.wait()
	if len(h.audit.events) != 1 || actionName(h.audit.events[0].Action) != "Client Secret stored" {
		t.Fatalf("filtered = %+v", h.audit.events)
	}
	test.Type(h.audit.filter, "-nothing-like-this")
	te.wait()
	if len(h.audit.events) != 0 || !strings.Contains(h.audit.info.Text, "Nothing matches") {
		t.Fatalf("info = %q", h.audit.info.Text)
	}
	h.audit.filter.SetText("profile")
	test.Tap(h.audit.allProfiles)
	te.wait()
	names := map[string]bool{}
	for _, e := range h.audit.events {
		names[e.ProfileName] = true
	}
	if !names["Alpha"] || !names["Beta"] {
		t.Fatalf("All profiles shows %v", names)
	}
}

func TestHistoryNamesEveryMappingAction(t *testing.T) {
	for _, a := range []string{storage.ActionMappingExported, actionMappingUndo, actionMappingRedo, storage.ActionMappingBulk} {
		if n := actionName(a); n == a || strings.Contains(n, ".") {
			t.Errorf("the audit log shows %q as %q", a, n)
		}
	}
}

func TestHistoryInformationIsReadable(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ce.runCheck(t).close()
	h := findScreen[*historyScreen](ce.u)
	ce.u.showScreen(func(s screen) bool { return s == screen(h) })
	ce.wait()
	if h.audit.info.Text == "" || h.audit.info.Importance == widget.LowImportance {
		t.Fatalf("audit info %q is in the disabled colour", h.audit.info.Text)
	}
	row := h.runs.list.CreateItem()
	h.runs.list.UpdateItem(0, row)
	counts := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects[2].(*widget.Label)
	if !strings.Contains(counts.Text, "agents") || counts.Importance == widget.LowImportance {
		t.Fatalf("run counts %q are in the disabled colour", counts.Text)
	}
}
