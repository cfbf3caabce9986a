package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

func startHalo(t *testing.T, sc halotest.Scenario) *halotest.Server {
	t.Helper()
	s := halotest.New(sc)
	t.Cleanup(s.Close)
	return s
}

// checkJSON mirrors the documented `check --json` contract.
type checkJSON struct {
	OK       *bool   `json:"ok"`
	Instance *string `json:"instance"`
	Checks   []struct {
		ID     *string `json:"id"`
		Status *string `json:"status"`
		Title  *string `json:"title"`
		Detail *string `json:"detail"`
		Fix    *string `json:"fix"`
		Ms     *int64  `json:"ms"`
	} `json:"checks"`
	OneStream *struct {
		CRMPlatform    *string `json:"crm_platform"`
		CRMCompany     *string `json:"crm_company"`
		APIKey         *string `json:"api_key"`
		Endpoint       *string `json:"endpoint"`
		CRMDetailsLink *string `json:"crm_details_link"`
	} `json:"onestream"`
	Agents *struct {
		Visible, Enabled, Disabled, APIOnly *int
	} `json:"agents"`
	Teams         *int `json:"teams"`
	Departments   *int `json:"departments"`
	Organisations *int `json:"organisations"`
}

func decodeCheck(t *testing.T, out string) checkJSON {
	t.Helper()
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("check --json printed non-JSON: %v\n%s", err, out)
	}
	if c.OK == nil || c.Instance == nil || c.OneStream == nil || c.Agents == nil || c.Teams == nil || c.Departments == nil || c.Organisations == nil {
		t.Fatalf("check --json misses top-level fields:\n%s", out)
	}
	for _, ch := range c.Checks {
		if ch.ID == nil || ch.Status == nil || ch.Title == nil || ch.Detail == nil || ch.Fix == nil || ch.Ms == nil {
			t.Fatalf("a check misses id/status/title/detail/fix/ms:\n%s", out)
		}
	}
	return c
}

func TestCheckByURLJSONContract(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	r := h.run("", "check", "--url", srv.URL()+"/api/", "--client-id", srv.ClientID(), "--secret-from-env", "--json")
	if r.code != 0 {
		t.Fatalf("check failed: %+v", r)
	}
	c := decodeCheck(t, r.stdout)
	if !*c.OK || *c.Instance != srv.URL() {
		t.Fatalf("ok=%v instance=%q", *c.OK, *c.Instance)
	}
	// The first nine keep their order and meaning; the first-call checks follow.
	want := []string{"url", "reachable", "halo", "token", "identity", "agents", "teams", "departments", "organisations",
		"contacts", "customers", "tickets"}
	if len(c.Checks) != len(want) {
		t.Fatalf("checks = %d, want %d", len(c.Checks), len(want))
	}
	for i, id := range want {
		if *c.Checks[i].ID != id {
			t.Errorf("check %d is %q, want %q", i, *c.Checks[i].ID, id)
		}
	}
	if *c.OneStream.CRMPlatform != "HaloPSA" || *c.OneStream.APIKey != srv.ClientID() ||
		*c.OneStream.Endpoint != srv.URL()+"/api/" || *c.OneStream.CRMDetailsLink != srv.URL()+"/" ||
		*c.OneStream.CRMCompany != srv.Tenant() {
		t.Errorf("onestream values wrong: %+v", *c.OneStream)
	}
	if *c.Agents.Visible < 30 || *c.Teams < 2 || *c.Departments != 2 {
		t.Errorf("counts: agents %d teams %d departments %d", *c.Agents.Visible, *c.Teams, *c.Departments)
	}
	if strings.Contains(r.stdout, srv.ClientSecret()) {
		t.Fatal("the secret is in the JSON")
	}
}

func TestCheckBadSecretExitsOneWithFix(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = "wrong-secret-value"
	r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %+v", r.code, r)
	}
	c := decodeCheck(t, r.stdout)
	var token string
	for _, ch := range c.Checks {
		if *ch.ID == "token" {
			token = *ch.Status + " " + *ch.Fix
		}
	}
	if !strings.HasPrefix(token, "fail") || !strings.Contains(token, "12") {
		t.Fatalf("token check should fail with the re-copy fix (steps 12–13): %q", token)
	}
	// The text form says the same in words.
	r = h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env")
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, "fix:") {
		t.Fatalf("text output: %+v", r)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{
		{"check"},
		{"check", "--url", "https://x.halopsa.com"},
		{"check", "--url", "https://x.halopsa.com", "--client-id", "abc"}, // no secret anywhere
		{"check", "--profile", "a", "--url", "https://x.halopsa.com"},
		{"check", "extra"},
	} {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

func TestCheckAndSyncByProfileStoreSnapshotAndHistory(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	if r := h.run(srv.ClientSecret(), "profile", "add", "Demo", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := h.run("", "check", "--profile", "demo")
	if r.code != 0 || !strings.Contains(r.stdout, "Connection OK") {
		t.Fatalf("check: %+v", r)
	}
	r = h.run("", "sync", "--profile", "Demo", "--json")
	if r.code != 0 {
		t.Fatalf("sync: %+v", r)
	}
	var s syncJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || !s.OK || s.Agents.Visible < 30 || s.PulledAt == nil {
		t.Fatalf("sync json %v: %s", err, r.stdout)
	}

	db, p := h.profileDB(t, "Demo")
	snap, at, err := db.Snapshot(context.Background(), p.ID)
	if err != nil || len(snap.Agents) != s.Agents.Visible || at.IsZero() {
		t.Fatalf("snapshot: %d agents at %v, %v", len(snap.Agents), at, err)
	}
	runs, err := db.Runs(context.Background(), p.ID, 10)
	if err != nil || len(runs) != 2 || runs[0].Kind != "sync" || runs[1].Kind != "check" || !runs[1].OK {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	report, err := db.RunReport(context.Background(), runs[1].ID)
	if err != nil || !strings.Contains(string(report), `"checks"`) || strings.Contains(string(report), srv.ClientSecret()) {
		t.Fatalf("stored report: %s %v", report, err)
	}
}

func TestCheckProfileWithoutSecretSaysWhatToDo(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "NoSecret", "--url", "https://x.halopsa.com", "--client-id", "abc")
	r := h.run("", "check", "--profile", "NoSecret")
	if r.code != 1 || !strings.Contains(r.stderr, "no Client Secret") {
		t.Fatalf("%+v", r)
	}
}

func TestSyncFailureKeepsPreviousSnapshotAndReportsJSON(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	h.run(srv.ClientSecret(), "profile", "add", "P", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin")
	if r := h.run("", "sync", "--profile", "P"); r.code != 0 {
		t.Fatalf("first sync: %+v", r)
	}
	srv.Close() // Halo goes away
	r := h.run("", "sync", "--profile", "P", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d: %+v", r.code, r)
	}
	var s syncJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.OK || s.Error == nil || s.Error.Message == "" {
		t.Fatalf("failed sync json: %s", r.stdout)
	}
	db, p := h.profileDB(t, "P")
	snap, _, _ := db.Snapshot(context.Background(), p.ID)
	if len(snap.Agents) < 30 {
		t.Fatalf("a failed sync lost the previous snapshot: %d agents", len(snap.Agents))
	}
}

func TestSyncErrorsCarryTheFix(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	h.run("wrong-secret-value", "profile", "add", "Bad", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin")
	r := h.run("", "sync", "--profile", "Bad")
	if r.code != 1 || !strings.Contains(r.stderr, "fix:") || !strings.Contains(r.stderr, "12") {
		t.Fatalf("text: %+v", r)
	}
	h.run("", "profile", "add", "NoSecret", "--url", srv.URL(), "--client-id", srv.ClientID())
	r = h.run("", "sync", "--profile", "NoSecret", "--json")
	var s syncJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || r.code != 1 || s.OK || s.Error == nil {
		t.Fatalf("json without secret: %v %+v", err, r)
	}
}

func TestCheckURLNeedsNoDatabase(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	os.WriteFile(filepath.Join(h.dir, storage.FileName), []byte("not a database"), 0o600)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	if r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env"); r.code != 0 {
		t.Fatalf("check --url must not need the database: %+v", r)
	}
}

// The on-premise / trial flags of check and profile add, end to end: a
// self-signed HTTPS Halo whose token endpoint sits on a separate auth
// server and insists on the tenant.
func TestCheckAndProfileFlagsForTrialAndPrivateCA(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{TLS: true, TrialAuth: true, RequireTenant: true, Tenant: "acme-trial"})
	ca, err := srv.CAFile()
	if err != nil || ca == "" {
		t.Fatalf("CA file: %q %v", ca, err)
	}
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	// Without the CA the certificate is refused, with its own fix.
	r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env", "--json")
	if r.code != 1 || !strings.Contains(r.stdout, "ca-file") {
		t.Fatalf("untrusted certificate: %+v", r)
	}
	args := []string{"--url", srv.URL(), "--client-id", srv.ClientID(), "--auth-url", srv.AuthURL(),
		"--tenant", "acme-trial", "--scope", "all", "--ca-file", ca}
	if r := h.run("", append([]string{"check", "--json", "--secret-from-env"}, args...)...); r.code != 0 {
		t.Fatalf("check with the flags: %+v", r)
	}
	// profile add takes the same flags, and the secret from the environment when told to.
	if r := h.run("", append([]string{"profile", "add", "Trial", "--secret-from-env"}, args...)...); r.code != 0 {
		t.Fatalf("profile add: %+v", r)
	}
	delete(h.env, "HALO_CLIENT_SECRET")
	r = h.run("", "profile", "list", "--json")
	for _, want := range []string{`"tenant": "acme-trial"`, `"auth_url": "` + srv.AuthURL() + `"`, `"scope": "all"`, `"ca_file": "` + ca + `"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("profile list lacks %s:\n%s", want, r.stdout)
		}
	}
	if r := h.run("", "check", "--profile", "Trial"); r.code != 0 {
		t.Fatalf("check --profile with the stored flags and keyring secret: %+v", r)
	}
}

// A passing connection whose API agent cannot read contacts fails the
// check (exit 1), says screen pops will not work, and names the Feature
// Access row and its checklist step.
func TestCheckNamesWhatWillNotWorkOnTheFirstCall(t *testing.T) {
	sc := halotest.Demo()
	sc.Contacts.ContactsForbidden = true
	srv := startHalo(t, sc)
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %+v", r.code, r)
	}
	for _, want := range []string{"FAIL  Contacts (callers)", "Users Access Level to Read and Modify",
		"1 check failed: 1stream may not manage screen pops."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "can use this connection") {
		t.Errorf("a failed first-call check still claims the connection is usable:\n%s", r.stdout)
	}
	j := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env", "--json")
	c := decodeCheck(t, j.stdout)
	if *c.OK || *c.Checks[9].ID != "contacts" || *c.Checks[9].Status != "fail" || !strings.Contains(j.stdout, `"step": "agent-perm-users"`) {
		t.Fatalf("json: %s", j.stdout)
	}
}

// The ad-hoc check reports a URL the Connection screen refuses as its own
// failed "url" check (exit 1 with the report), as it always did, so a
// script reading --json keeps getting a report; only a refused Client ID
// is a usage error.
func TestCheckAdHocBadURLIsAFailedCheck(t *testing.T) {
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = "a-secret-value"
	r := h.run("", "check", "--url", "http://halo.example.com", "--client-id", "abc", "--secret-from-env", "--json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %+v", r.code, r)
	}
	c := decodeCheck(t, r.stdout)
	if len(c.Checks) == 0 || *c.Checks[0].ID != "url" || *c.Checks[0].Status != "fail" {
		t.Fatalf("want the url check failed first: %s", r.stdout)
	}
}
