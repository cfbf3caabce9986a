package halo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func validStep(s string) bool {
	switch s {
	case "", "before-core", "halo-notice", "map-users", "not-seeing", "fix-second-app", "fix-refresh":
		return true
	}
	for i := 1; i <= 13; i++ {
		if s == fmt.Sprintf("halo-%d", i) {
			return true
		}
	}
	for i := 1; i <= 14; i++ {
		if s == fmt.Sprintf("1s-%d", i) {
			return true
		}
	}
	return false
}

func TestAdviceTable(t *testing.T) {
	kinds := []ErrorKind{KindURL, KindConfig, KindDNS, KindTLS, KindTimeout, KindNetwork, KindNotHalo, KindAuth, KindScope, KindGrant, KindForbidden, KindRateLimited, KindServer, KindBadResponse, KindCanceled}
	for _, k := range kinds {
		if _, ok := adviceTable[string(k)]; !ok {
			t.Errorf("no advice for kind %s", k)
		}
	}
	for key, a := range adviceTable {
		if a.Message == "" || a.Fix == "" {
			t.Errorf("advice %q incomplete: %+v", key, a)
		}
		if !validStep(a.Step) {
			t.Errorf("advice %q: unknown checklist step %q", key, a.Step)
		}
	}
	if got := AdviceFor("invalid_client"); !strings.Contains(got.Message, "Client ID or Secret is wrong") || !strings.Contains(got.Fix, "steps 12–13") || got.Step != "halo-12" {
		t.Errorf("invalid_client advice %+v", got)
	}
	if got := AdviceFor("invalid_scope"); !strings.Contains(got.Fix, "Permissions tab") || !strings.Contains(got.Fix, "All") || got.Step != "halo-10" {
		t.Errorf("invalid_scope advice %+v", got)
	}
	for _, k := range []string{"unsupported_grant_type", "unauthorized_client"} {
		if got := AdviceFor(k); !strings.Contains(got.Fix, "Client ID and Secret (Services)") || got.Step != "halo-9" {
			t.Errorf("%s advice %+v", k, got)
		}
	}
	if AdviceFor("no-such-key").Message == "" {
		t.Error("unknown key gives empty advice")
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Kind: KindAuth, Status: 401, Code: "invalid_client", Message: "Client ID or Secret is wrong.", Err: io.EOF}
	if got := e.Error(); got != "Client ID or Secret is wrong. (invalid_client, HTTP 401)" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(e, io.EOF) || KindOf(fmt.Errorf("wrapped: %w", e)) != KindAuth || KindOf(io.EOF) != "" {
		t.Error("Unwrap/KindOf")
	}
	if got := (&Error{Message: "m"}).Error(); got != "m" {
		t.Errorf("Error() = %q", got)
	}
}

func TestClassifyTransport(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	expired, cancel2 := context.WithTimeout(ctx, -time.Second)
	defer cancel2()
	tests := []struct {
		ctx  context.Context
		err  error
		kind ErrorKind
		msg  string
	}{
		{ctx, &net.DNSError{Err: "no such host", Name: "x.halopsa.com", IsNotFound: true}, KindDNS, `"x.halopsa.com" could not be found`},
		{ctx, &net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}, KindDNS, "timed out"},
		{ctx, x509.UnknownAuthorityError{}, KindTLS, "not trusted"},
		{ctx, x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"other.example"}}, Host: "h"}, KindTLS, "other.example"},
		{ctx, x509.CertificateInvalidError{Reason: x509.Expired}, KindTLS, "expired"},
		{ctx, tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, KindTLS, "does not speak HTTPS"},
		{ctx, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, KindNetwork, "refused"},
		{ctx, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, KindNetwork, "closed unexpectedly"},
		{ctx, context.DeadlineExceeded, KindTimeout, "did not answer in time"},
		{ctx, errors.New("something else"), KindNetwork, "Could not connect"},
		{cancelled, context.Canceled, KindCanceled, "Cancelled"},
		{expired, context.DeadlineExceeded, KindTimeout, "ran out of time"},
	}
	for _, tc := range tests {
		e := classifyTransport(tc.ctx, fmt.Errorf("Get \"https://h/api/authinfo\": %w", tc.err), "h")
		if e.Kind != tc.kind || !strings.Contains(e.Message, tc.msg) || e.Fix == "" {
			t.Errorf("classify(%v) = %s %q, want %s %q", tc.err, e.Kind, e.Message, tc.kind, tc.msg)
		}
		if !errors.Is(e, tc.err) {
			t.Errorf("classify(%v) does not wrap the cause", tc.err)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		d    time.Duration
		isOK bool
	}{
		{"30", 30 * time.Second, true},
		{" 1.5 ", 1500 * time.Millisecond, true},
		{now.Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), time.Second, true},
		{"0", time.Second, true},
		{"", 0, false},
		{"-5", 0, false},
		{"soon", 0, false},
		{"999999999", 0, false},
	}
	for _, tc := range tests {
		d, ok := retryAfter(tc.in, now)
		if d != tc.d || ok != tc.isOK {
			t.Errorf("retryAfter(%q) = %v %v, want %v %v", tc.in, d, ok, tc.d, tc.isOK)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var slept []time.Duration
	l := newLimiter(3, time.Minute, func() time.Time { return now }, func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		now = now.Add(d)
		return nil
	})
	ctx := context.Background()
	var starts []time.Time
	for range 7 {
		if err := l.wait(ctx, nil); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, now)
		now = now.Add(time.Second)
	}
	// No more than 3 starts in any 60 s window.
	for i := 3; i < len(starts); i++ {
		if starts[i].Sub(starts[i-3]) < time.Minute {
			t.Fatalf("starts %d and %d only %v apart", i-3, i, starts[i].Sub(starts[i-3]))
		}
	}
	if len(slept) != 2 || slept[0] != 57*time.Second {
		t.Fatalf("slept %v", slept)
	}
	var nilLimiter *limiter
	if err := nilLimiter.wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.wait(cctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestDecodeTolerant(t *testing.T) {
	bare := `[{"id":5,"name":"Zoë Müller","isdisabled":false,"isapiagent":false,"extensionnumber":"202","teams":[{"team_id":1,"team_name":"NOC"}]}]`
	wrapped := `{"page_no":1,"page_size":50,"record_count":7,"agents":` + bare + `}`
	odd := `{"record_count":"1","Agents":[{"id":"5","name":"Zoë Müller","isdisabled":"false","isapiagent":0,"extensionnumber":202,"teams":[{"team_id":"1","team_name":"NOC","role_id":3}],"departments":null,"extra":{"x":1}}]}`
	other := `{"record_count":1,"users":[{"id":5,"name":"Zoë Müller","extensionnumber":"202","teams":[{"team_id":1,"team_name":"NOC"}]}]}`
	for _, body := range []string{bare, wrapped, odd, other, "\ufeff " + bare} {
		items, meta, err := decodeList[Agent]([]byte(body), "agents")
		if err != nil || len(items) != 1 {
			t.Fatalf("decode %s: %v %v", body, items, err)
		}
		a := items[0]
		if a.ID != 5 || a.Name != "Zoë Müller" || a.Extension != "202" || len(a.Teams) != 1 || a.Teams[0].TeamID != 1 || a.Teams[0].TeamName != "NOC" {
			t.Fatalf("decode %s: %+v", body, a)
		}
		if body == wrapped && (!meta.HasCount || meta.RecordCount != 7) {
			t.Fatalf("meta %+v", meta)
		}
	}
	// Absent teams stay nil (unknown), an empty list stays empty (none).
	items, _, _ := decodeList[Agent]([]byte(`[{"id":1},{"id":2,"teams":[]}]`), "agents")
	if items[0].Teams != nil || items[1].Teams == nil || len(items[1].Teams) != 0 {
		t.Fatalf("nil/empty teams lost: %#v", items)
	}
	for _, bad := range []string{"", "<html>", "null x", `{"message":"x"}`, `"str"`} {
		if _, _, err := decodeList[Agent]([]byte(bad), "agents"); err == nil {
			t.Errorf("decode %q: no error", bad)
		}
	}
	if items, _, err := decodeList[Agent]([]byte(`{"record_count":0}`), "agents"); err != nil || len(items) != 0 {
		t.Errorf("empty wrapper: %v %v", items, err)
	}

	for _, body := range []string{`{"id":9,"name":"Me"}`, `{"agents":[{"id":9,"name":"Me"}]}`, `[{"id":9,"name":"Me"}]`} {
		a, ok, err := decodeOne[Agent]([]byte(body), "agents")
		if err != nil || !ok || a.ID != 9 {
			t.Errorf("decodeOne(%s) = %+v %v %v", body, a, ok, err)
		}
	}
	if _, ok, _ := decodeOne[Agent]([]byte(`{}`), "agents"); ok {
		t.Error("empty object decoded as an agent")
	}
}

func TestMergeDepartments(t *testing.T) {
	agents := []Agent{{ID: 1, Departments: []DepartmentMembership{{DepartmentID: 1, DepartmentName: "Service Desk"}, {DepartmentID: 3, DepartmentName: "Field"}}}}
	teams := []Team{{ID: 1, DepartmentID: 2, DepartmentName: "Commercial"}}
	top := []Department{{ID: 1, Name: "Service Desk"}, {ID: 2, Name: "Commercial"}}
	deps, src, err := mergeDepartments(top, nil, agents, teams)
	if err != nil || len(deps) != 3 || src != "toplevel+derived" {
		t.Fatalf("merge: %+v %s %v", deps, src, err)
	}
	// A TopLevel that ignored the filter (customer top levels) is replaced.
	customers := []Department{{ID: 100, Name: "Acme Ltd"}, {ID: 101, Name: "Globex"}}
	deps, src, _ = mergeDepartments(customers, nil, agents, teams)
	if src != "derived" || len(deps) != 3 || deps[0].Name != "Service Desk" {
		t.Fatalf("customers: %+v %s", deps, src)
	}
	deps, src, err = mergeDepartments(nil, newError(KindNotHalo, "", "", nil), agents, nil)
	if err != nil || src != "derived" || len(deps) != 2 {
		t.Fatalf("fallback: %+v %s %v", deps, src, err)
	}
	if _, _, err := mergeDepartments(nil, newError(KindForbidden, "", "", nil), nil, nil); KindOf(err) != KindForbidden {
		t.Fatalf("nothing to derive from: %v", err)
	}
}

func TestCredentialHints(t *testing.T) {
	guid := "5f0c2a8e-3b1d-4c6e-9a7f-2d8b4e6c1a90"
	secret := guid + "-" + guid
	authErr := newError(KindAuth, AdviceInvalidClient, "", nil)
	if h := credentialHints(Config{ClientID: secret, ClientSecret: guid}, authErr); !strings.Contains(h, "swapped") {
		t.Errorf("swap hint: %q", h)
	}
	if h := credentialHints(Config{ClientID: "abc", ClientSecret: secret}, authErr); !strings.Contains(h, "Client ID does not look") {
		t.Errorf("id hint: %q", h)
	}
	if h := credentialHints(Config{ClientID: guid, ClientSecret: "short"}, authErr); !strings.Contains(h, "Client Secret does not have") || strings.Contains(h, "short") {
		t.Errorf("secret hint: %q", h)
	}
	if h := credentialHints(Config{ClientID: guid, ClientSecret: secret}, authErr); h != "" {
		t.Errorf("no hint expected: %q", h)
	}
	if h := credentialHints(Config{ClientID: "abc"}, newError(KindScope, "", "", nil)); h != "" {
		t.Errorf("hint for a scope error: %q", h)
	}
}

// Fix texts are shown by both the GUI and the CLI: a setting named in a fix
// must say where to change it in both, not only in GUI words.
func TestFixTextsNameTheCLIFlag(t *testing.T) {
	flags := map[string]string{"CA file": "--ca-file", "Authorisation Server": "--auth-url", "Tenant": "--tenant", "Scope": "--scope"}
	for key, a := range adviceTable {
		low := strings.ToLower(a.Fix)
		for _, gui := range []string{"advanced", "connection screen", "setting"} {
			if strings.Contains(low, gui) && !strings.Contains(a.Fix, " --") {
				t.Errorf("advice %q says %q but names no CLI flag: %s", key, gui, a.Fix)
			}
		}
		for setting, flag := range flags {
			if strings.Contains(a.Fix, setting) && !strings.Contains(a.Fix, flag) {
				t.Errorf("advice %q names the %s without %s: %s", key, setting, flag, a.Fix)
			}
		}
	}
}

// A port that does not speak TLS gets the port fix, never the certificate
// (CA file) fix; real certificate problems keep it.
func TestTLSAdvice(t *testing.T) {
	ctx := context.Background()
	notTLS := []error{
		tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"},
		http.ErrSchemeMismatch,
	}
	for _, err := range notTLS {
		e := classifyTransport(ctx, fmt.Errorf("Get \"https://h/\": %w", err), "h")
		if e.Kind != KindTLS || !strings.Contains(e.Message, "does not speak HTTPS") || strings.Contains(e.Fix, "CA file") || e.Fix != AdviceFor(AdviceTLSNotHTTPS).Fix {
			t.Errorf("%v: %s %q fix %q", err, e.Kind, e.Message, e.Fix)
		}
	}
	e := classifyTransport(ctx, x509.UnknownAuthorityError{}, "h")
	if !strings.Contains(e.Fix, "CA file") {
		t.Errorf("untrusted certificate fix %q", e.Fix)
	}
}

// Counts in details agree with their noun.
func TestDetailPlurals(t *testing.T) {
	one := []Organisation{{ID: 1, Name: "A"}}
	two := append(one, Organisation{ID: 2, Name: "B"})
	team := []Team{{ID: 1, Name: "NOC", DepartmentID: 1, DepartmentName: "Service Desk"}}
	agents := []Agent{{ID: 1, Name: "Ann", Departments: []DepartmentMembership{{DepartmentID: 1, DepartmentName: "Service Desk"}}}}
	details := []string{}
	for _, orgs := range [][]Organisation{one, two} {
		c, _ := organisationsResult(orgs, nil)
		details = append(details, c.Detail)
	}
	c, _ := agentsResult(agents, 99)
	d, _ := departmentsResult(&pullResult{agents: agents, teams: team, top: []Department{{ID: 1, Name: "Service Desk"}}})
	details = append(details, c.Detail, teamsResult(team).Detail, d.Detail)
	bad := regexp.MustCompile(`\b1 (organisation|agent|team|department)s\b`)
	for _, det := range details {
		if bad.MatchString(det) {
			t.Errorf("wrong plural in %q", det)
		}
	}
	for _, want := range []string{"One organisation: A.", "2 organisations: A, B.", "1 agent visible", "1 team: NOC.", "1 department: Service Desk."} {
		if !strings.Contains(strings.Join(details, "\n"), want) {
			t.Errorf("no %q in %q", want, details)
		}
	}
}
