package gui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// openDemo builds the real demo environment on dir, as `--demo` does.
func openDemo(t *testing.T, dir string) *Env {
	t.Helper()
	db, err := storage.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	env, err := newEnvironment(Options{DataDir: dir, Demo: true, Logger: applog.Discard()}, db)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func closeEnv(env *Env) {
	for _, c := range env.closers {
		c()
	}
}

func TestDemoUsersMatchTheSimulatedAgents(t *testing.T) {
	prev, err := mapping.ParseUsers(bytes.NewReader(assets.DemoUsersCSV))
	if err != nil || len(prev.Rejected) > 0 {
		t.Fatalf("sample users: %v, rejected %+v", err, prev.Rejected)
	}
	if n := len(prev.Accepted); n < 35 || n > 45 {
		t.Fatalf("%d sample users, want about 40", n)
	}
	srv := halotest.New(halotest.Demo())
	defer srv.Close()
	agents := map[string]bool{}
	for _, n := range srv.AgentNames() {
		agents[n] = true
	}
	exact, noEmail, lastFirst := 0, 0, 0
	for _, r := range prev.Accepted {
		if agents[r.User.Name] {
			exact++
		}
		if r.User.Email == "" {
			noEmail++
		}
		if strings.Contains(r.User.Name, ",") {
			lastFirst++
		}
	}
	if exact < 25 || noEmail == 0 || lastFirst == 0 {
		t.Fatalf("the sample should mostly match, with differences: exact %d, no email %d, Last, First %d", exact, noEmail, lastFirst)
	}
	if agents["Reception Desk"] {
		t.Fatal("the shared phone must have no agent")
	}
}

func TestDemoModeRunsTheJourney(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	// A real profile in the same directory is left alone.
	db, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := db.CreateProfile(ctx, storage.Profile{Name: "Real MSP", HaloURL: "https://real.halopsa.com"})
	_ = db.SetSelectedProfile(ctx, real.ID)
	db.Close()

	env := openDemo(t, dir)
	if _, ok := env.Secrets.(*storage.MemorySecrets); !ok {
		t.Fatalf("demo mode must not use the OS keyring, uses %T", env.Secrets)
	}
	p, err := env.DB.ProfileByName(ctx, demoProfileName)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.HaloURL, "http://127.0.0.1:") || p.ClientID != halotest.DefaultClientID {
		t.Fatalf("demo profile = %+v", p)
	}
	users, _ := env.DB.Users(ctx, p.ID)
	if len(users) != 40 {
		t.Fatalf("%d demo users imported", len(users))
	}
	if sel, _, _ := env.DB.SelectedProfile(ctx); sel != real.ID {
		t.Fatal("demo setup changed the selected profile")
	}
	if rp, _ := env.DB.Profile(ctx, real.ID); rp.HaloURL != "https://real.halopsa.com" {
		t.Fatal("demo setup touched a real profile")
	}

	// The whole check works against the simulated Halo.
	a := test.NewTempApp(t)
	w := a.NewWindow("demo")
	u := newUI(a, w, env, testOptions())
	w.Resize(fyne.NewSize(1180, 760))
	u.Start()
	u.bg.wait()
	u.profiles.afterChange(p.ID)
	u.bg.wait()
	u.runSystemsCheck()
	u.bg.wait()
	cd := findScreen[*checkScreen](u).dlg
	if cd.report == nil || !cd.report.OK || cd.report.Agents.Visible < 40 {
		t.Fatalf("demo check: %+v", cd.report)
	}
	firstURL := p.HaloURL
	u.Close()

	// A second start follows the new port and does not import twice.
	env2 := openDemo(t, dir)
	defer closeEnv(env2)
	p2, _ := env2.DB.ProfileByName(ctx, demoProfileName)
	if p2.ID != p.ID || p2.HaloURL == firstURL {
		t.Fatalf("restart: %+v (was %s)", p2, firstURL)
	}
	users2, _ := env2.DB.Users(ctx, p.ID)
	if len(users2) != len(users) {
		t.Fatalf("users after restart: %d", len(users2))
	}
	ps, _ := env2.DB.Profiles(ctx)
	if len(ps) != 2 {
		t.Fatalf("profiles after restart: %d", len(ps))
	}
}

func TestDemoModeShowsTheBadge(t *testing.T) {
	badge := func(u *UI) bool {
		return walkCanvas(u.win.Content(), func(o fyne.CanvasObject) bool {
			txt, ok := o.(*canvas.Text)
			return ok && strings.Contains(txt.Text, "DEMO — simulated Halo")
		})
	}
	env := openDemo(t, t.TempDir())
	a := test.NewTempApp(t)
	w := a.NewWindow("demo")
	u := newUI(a, w, env, testOptions())
	w.Resize(fyne.NewSize(1180, 760))
	u.Start()
	u.bg.wait()
	t.Cleanup(u.Close)
	if !badge(u) {
		t.Fatal("demo mode does not show the DEMO badge in the top bar")
	}
	// Every screen keeps it: it is in the top bar, not on a screen.
	for i := range u.screens {
		u.show(i)
		if !badge(u) {
			t.Fatalf("the badge is gone on %s", u.screens[i].title())
		}
	}
	// A real (non-demo) window has none.
	te := newTestUI(t, "")
	if badge(te.u) {
		t.Fatal("the DEMO badge shows outside demo mode")
	}
}
