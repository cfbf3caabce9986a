// Package clitest runs commands of the CLI on given data, for tests that
// compare the CLI's outcome with the GUI's on the same inputs (both decide
// through the rules below them, so they must agree): the mapping commands
// (halo/mapping), contacts audit for its region, and the connection values
// of profile add/set (halo's ValidateConnection, storage's SecretLeftBehind).
package clitest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/cli"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Setup is a profile's data before a command: its users, the agents of its
// last pull and its mappings as extension → agent ID, made by hand (every
// user needs an extension here, since the outcome is keyed by it).
type Setup struct {
	Users  []mapping.User
	Agents []halo.Agent
	Mapped map[string]int
}

// Outcome is a profile's mappings after a command, by extension (user IDs
// differ between databases); it prints one "ext→agent (method)" per line.
type Outcome map[string]mapping.Mapping

func (o Outcome) String() string {
	lines := make([]string, 0, len(o))
	for ext, m := range o {
		lines = append(lines, fmt.Sprintf("%s→%d %s (%s)", ext, m.AgentID, m.AgentName, m.MatchedBy))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// MapAuto runs `map auto` on s and returns the mappings it leaves.
func MapAuto(t testing.TB, s Setup) Outcome {
	return run(t, s, "map", "auto", "--profile", "P")
}

// ImportMappings runs `import-mappings` with the given file on s and
// returns the mappings it leaves.
func ImportMappings(t testing.TB, s Setup, file []byte) Outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mappings.csv")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	return run(t, s, "import-mappings", "--profile", "P", path)
}

func run(t testing.TB, s Setup, args ...string) Outcome {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "P", HaloURL: "https://example.halopsa.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.UpsertUsers(ctx, p.ID, s.Users); err != nil {
		t.Fatal(err)
	}
	snap := halo.Snapshot{Agents: s.Agents}
	if err := storage.SaveSyncRun(ctx, db, p.ID, &snap, time.Now(), time.Second, nil); err != nil {
		t.Fatal(err)
	}
	users, err := db.Users(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	byExt := make(map[string]mapping.User, len(users))
	for _, u := range users {
		byExt[u.Extension] = u
	}
	agents := mapping.IndexAgents(s.Agents)
	var ms []mapping.Mapping
	for ext, agent := range s.Mapped {
		u, ok := byExt[ext]
		if !ok {
			t.Fatalf("clitest: no user with extension %q for a mapping", ext)
		}
		m := mapping.Mapping{UserID: u.ID, AgentID: agent, MatchedBy: mapping.MethodManual}
		if a := agents[agent]; a != nil {
			m.AgentName, m.AgentEmail = mapping.AgentDisplayName(*a), a.Email
		}
		ms = append(ms, m)
	}
	if err := db.ApplyMappings(ctx, p.ID, ms, nil, nil); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(dir, storage.NewMemorySecrets(), "", args...); r.Code != cli.ExitOK {
		t.Fatalf("clitest: %s: exit %d\n%s%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	after, err := db.Mappings(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	o := make(Outcome, len(after))
	for _, m := range after {
		for _, u := range users {
			if u.ID == m.UserID {
				o[u.Extension] = m
			}
		}
	}
	return o
}

// Result is how one command ended.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// runCLI runs the CLI on the data directory dir with secrets as the
// keyring, stdin as standard input and an empty environment.
func runCLI(dir string, secrets storage.Secrets, stdin string, args ...string) Result {
	var out, errb bytes.Buffer
	code := cli.Main(append([]string{"--data-dir", dir}, args...), cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv:  func(string) string { return "" },
		Secrets: func(string) storage.Secrets { return secrets },
		Logger:  applog.Discard(),
	})
	return Result{Code: code, Stdout: out.String(), Stderr: errb.String()}
}
