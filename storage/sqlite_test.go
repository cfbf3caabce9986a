package storage

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestOpenMigratesFromEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if db.Dir() != dir || db.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Dir/Path = %q, %q", db.Dir(), db.Path())
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode = %v, want 0700", st.Mode().Perm())
	}
	v, err := db.SchemaVersion(ctxBG)
	if err != nil || v != schemaVersion {
		t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, schemaVersion)
	}
	rows, err := db.db.Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var v int
		var name, at string
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		if parseTime(at).IsZero() {
			t.Errorf("migration %d applied_at %q is not RFC 3339", v, at)
		}
		got = append(got, fmt.Sprintf("%d_%s", v, name))
	}
	rows.Close()
	if j := strings.Join(got, ","); len(got) != schemaVersion || !strings.HasPrefix(j, "1_init,2_halo,3_mapping,4_profile_ids,5_secret_stored,6_exports") {
		t.Errorf("migrations = %v", got)
	}

	var mode string
	var fk int
	if err := db.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if err := db.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	head := fileBytes(t, db.Path())[:16]
	if !bytes.Equal(head, sqliteHeader) {
		t.Errorf("file header = %q", head)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	p := mustProfile(t, db, "Acme")
	db.Close()

	for i := 0; i < 2; i++ {
		db, err = Open(ctxBG, dir)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if n := count(t, db, "SELECT count(*) FROM schema_migrations"); n != schemaVersion {
			t.Errorf("schema_migrations rows = %d, want %d", n, schemaVersion)
		}
		got, err := db.Profile(ctxBG, p.ID)
		if err != nil || got.Name != "Acme" {
			t.Errorf("Profile after reopen = %+v, %v", got, err)
		}
		db.Close()
	}
}

func TestOpenEmptyFileCreatesDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatalf("Open on an empty file: %v", err)
	}
	defer db.Close()
	mustProfile(t, db, "Acme")
}

func TestNewerSchemaLeavesFileUntouched(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	mustProfile(t, db, "Acme")
	future := schemaVersion + 1
	if _, err := db.db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', ?)", future, fmtTime(time.Now())); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	noFile(t, path+"-wal") // the last close checkpointed everything into the main file
	before := fileBytes(t, path)
	st, _ := os.Stat(path)

	db2, err := Open(ctxBG, dir)
	if err == nil {
		db2.Close()
		t.Fatal("Open succeeded on a database with a newer schema")
	}
	var nse *NewerSchemaError
	if !errors.As(err, &nse) {
		t.Fatalf("error = %T %v, want *NewerSchemaError", err, err)
	}
	if nse.Have != future || nse.Known != schemaVersion || nse.Path != path {
		t.Errorf("NewerSchemaError = %+v", nse)
	}
	msg := err.Error()
	for _, want := range []string{"newer version of Halo Integration Assistant", fmt.Sprintf("schema %d, this version knows %d", future, schemaVersion), "install the newer version", path} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if !bytes.Equal(fileBytes(t, path), before) {
		t.Error("database file changed")
	}
	st2, _ := os.Stat(path)
	if !st2.ModTime().Equal(st.ModTime()) {
		t.Error("database file modification time changed")
	}
}

func TestNotDatabase(t *testing.T) {
	random := make([]byte, 8192)
	if _, err := rand.Read(random); err != nil {
		t.Fatal(err)
	}
	random[0] = 'X' // never the SQLite header by chance
	cases := map[string][]byte{
		"random bytes": random,
		"text file":    []byte("# my notes\nhalo url: https://example.halopsa.com\n"),
		"short file":   []byte("SQLite"),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(ctxBG, dir)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded on a non-database file")
			}
			var nde *NotDatabaseError
			if !errors.As(err, &nde) || nde.Path != path {
				t.Fatalf("error = %T %v, want *NotDatabaseError for %s", err, err, path)
			}
			msg := err.Error()
			for _, want := range []string{path, "is not a Halo Integration Assistant database", "moved aside"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if !bytes.Equal(fileBytes(t, path), content) {
				t.Error("file was modified")
			}
			noFile(t, path+"-wal")
			noFile(t, path+"-shm")
		})
	}
}

// makeBigDB creates a database with enough data to span many pages and
// returns its file path after closing it.
func makeBigDB(t *testing.T, dir string) string {
	t.Helper()
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	p := mustProfile(t, db, "Acme")
	if err := db.ReplaceSnapshot(ctxBG, p.ID, makeSnapshot(2000), time.Now()); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	noFile(t, path+"-wal")
	return path
}

func TestCorruptDatabase(t *testing.T) {
	garbage := func(n int) []byte {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string]func(t *testing.T, dir string) string{
		"header then garbage": func(t *testing.T, dir string) string {
			path := filepath.Join(dir, FileName)
			content := append(append([]byte{}, sqliteHeader...), garbage(16384)...)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		},
		"garbage pages": func(t *testing.T, dir string) string {
			path := makeBigDB(t, dir)
			b := fileBytes(t, path)
			pageSize := int(b[16])<<8 | int(b[17])
			if pageSize == 1 {
				pageSize = 65536
			}
			copy(b[2*pageSize:], garbage(len(b)-2*pageSize))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		},
		"wrong freelist count": func(t *testing.T, dir string) string {
			// Structurally readable, so only PRAGMA quick_check finds it.
			path := makeBigDB(t, dir)
			b := fileBytes(t, path)
			binary.BigEndian.PutUint32(b[36:], binary.BigEndian.Uint32(b[36:])+7)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		},
		"garbage schema page": func(t *testing.T, dir string) string {
			path := makeBigDB(t, dir)
			b := fileBytes(t, path)
			copy(b[100:4096], garbage(4096-100))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := mk(t, dir)
			before := fileBytes(t, path)
			db, err := Open(ctxBG, dir)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded on a corrupt database")
			}
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Path != path || ce.Detail == "" {
				t.Fatalf("error = %T %v, want *CorruptError with detail", err, err)
			}
			for _, want := range []string{path, "is damaged", "moved aside"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q lacks %q", err.Error(), want)
				}
			}
			if name == "wrong freelist count" && !strings.Contains(ce.Detail, "Freelist") {
				t.Errorf("Detail = %q, want the quick_check finding", ce.Detail)
			}
			if !bytes.Equal(fileBytes(t, path), before) {
				t.Error("corrupt file was modified")
			}
		})
	}
}

func TestMoveAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-wal", []byte("wal"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-shm", []byte("shm"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctxBG, dir)
	var nde *NotDatabaseError
	if !errors.As(err, &nde) {
		t.Fatalf("Open: %v, want *NotDatabaseError", err)
	}

	moved, err := MoveAside(nde.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(moved, path+".broken-") {
		t.Errorf("moved to %q", moved)
	}
	if string(fileBytes(t, moved)) != "not a database" || string(fileBytes(t, moved+"-wal")) != "wal" ||
		string(fileBytes(t, moved+"-shm")) != "shm" {
		t.Error("moved files do not have the original contents")
	}
	noFile(t, path)
	noFile(t, path+"-wal")
	noFile(t, path+"-shm")

	// A second bad file in the same second gets a distinct name.
	if err := os.WriteFile(path, []byte("again"), 0o600); err != nil {
		t.Fatal(err)
	}
	moved2, err := MoveAside(path)
	if err != nil || moved2 == moved {
		t.Fatalf("second MoveAside = %q, %v (first %q)", moved2, err, moved)
	}

	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatalf("Open after MoveAside: %v", err)
	}
	db.Close()

	if _, err := MoveAside(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("MoveAside of a missing file succeeded")
	}
}

func TestResolveDataDir(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg) // macOS: UserConfigDir is $HOME/Library/Application Support
	t.Setenv("AppData", cfg)

	t.Setenv(DataDirEnv, "")
	def, err := DefaultDataDir()
	if err != nil || filepath.Base(def) != "halo-assistant" || !strings.HasPrefix(def, cfg) {
		t.Fatalf("DefaultDataDir = %q, %v", def, err)
	}
	if got, _ := ResolveDataDir(""); got != def {
		t.Errorf("ResolveDataDir(\"\") = %q, want default %q", got, def)
	}
	envDir := filepath.Join(cfg, "from-env")
	t.Setenv(DataDirEnv, envDir)
	if got, _ := ResolveDataDir(""); got != envDir {
		t.Errorf("with env: %q, want %q", got, envDir)
	}
	flagDir := filepath.Join(cfg, "from-flag")
	if got, _ := ResolveDataDir(flagDir); got != flagDir {
		t.Errorf("with flag: %q, want %q", got, flagDir)
	}
	wd, _ := os.Getwd()
	if got, _ := ResolveDataDir("rel"); got != filepath.Join(wd, "rel") {
		t.Errorf("relative flag: %q", got)
	}
}

func TestOpenPathWithURISyntax(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b?c#d%20e")
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	mustProfile(t, db, "Acme")
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("database not at the literal path: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("unexpected files next to the data dir: %v", entries)
	}
}

func TestTwoHandlesWriteConcurrently(t *testing.T) {
	dir := t.TempDir()
	var dbs [2]*DB
	for i := range dbs {
		db, err := Open(ctxBG, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs[i] = db
	}
	const perWorker = 40
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for h, db := range dbs {
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perWorker; i++ {
					p, err := db.CreateProfile(ctxBG, Profile{Name: fmt.Sprintf("h%d-w%d-%d", h, w, i)})
					if err != nil {
						errs <- err
						return
					}
					if err := db.SetChecklistStep(ctxBG, p.ID, "halo-1", true, "t"); err != nil {
						errs <- err
						return
					}
					if _, err := db.Profiles(ctxBG); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, db := range dbs {
		ps, err := db.Profiles(ctxBG)
		if err != nil || len(ps) != 2*3*perWorker {
			t.Fatalf("Profiles = %d, %v; want %d", len(ps), err, 2*3*perWorker)
		}
	}
	if n := count(t, dbs[0], "SELECT count(*) FROM checklist"); n != 2*3*perWorker {
		t.Errorf("checklist rows = %d", n)
	}
}

// TestHelperWriter is the child process of the multi-process tests.
// HALO_STORAGE_HELPER_N > 0 writes that many profiles and exits; 0 writes
// until killed. Each committed profile ID is printed after its commit.
func TestHelperWriter(t *testing.T) {
	if !isHelper() {
		t.Skip("helper process for TestKillDuringWrites and TestTwoProcesses")
	}
	dir := os.Getenv("HALO_STORAGE_HELPER_DIR")
	n, _ := strconv.Atoi(os.Getenv("HALO_STORAGE_HELPER_N"))
	prefix := os.Getenv("HALO_STORAGE_HELPER_PREFIX")
	db, err := Open(ctxBG, dir)
	if err != nil {
		fmt.Println("error", err)
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; n == 0 || i < n; i++ {
		p, err := db.CreateProfile(ctxBG, Profile{Name: fmt.Sprintf("%s-%d", prefix, i), HaloURL: "https://x.halopsa.com"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.AppendAudit(ctxBG, AuditEvent{ProfileID: p.ID, Action: "test.write", Detail: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("committed %d\n", p.ID) // unbuffered: printed only after the commit
	}
}

func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(ctxBG, 2*time.Minute)
	defer cancel()
	cmd := helperCmd(t, ctx, "TestHelperWriter", "HALO_STORAGE_HELPER_DIR="+dir, "HALO_STORAGE_HELPER_N=0",
		"HALO_STORAGE_HELPER_PREFIX=kill")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var ids []int64
	for len(ids) < 300 && sc.Scan() {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "committed "); ok {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				t.Fatalf("bad line %q", line)
			}
			ids = append(ids, n)
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	// Keep reading: lines printed between our last read and the kill were
	// committed too.
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			ids = append(ids, n)
		}
	}
	_ = cmd.Wait()
	if len(ids) < 300 {
		t.Fatalf("helper printed only %d ids; stderr:\n%s", len(ids), stderr.String())
	}
	if cmd.ProcessState.Success() {
		t.Fatal("helper exited normally instead of being killed")
	}

	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	var res string
	if err := db.db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	for _, id := range ids {
		if _, err := db.Profile(ctxBG, id); err != nil {
			t.Fatalf("committed profile %d missing after SIGKILL: %v", id, err)
		}
		evs, err := db.AuditLog(ctxBG, AuditFilter{ProfileID: id, Text: "test.write"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("audit row of committed profile %d: %d rows, %v", id, len(evs), err)
		}
	}
	// The database stays writable.
	mustProfile(t, db, "after-kill")
}

func TestTwoProcesses(t *testing.T) {
	dir := t.TempDir() // fresh: the two children race to create and migrate it
	const n = 200
	ctx, cancel := context.WithTimeout(ctxBG, 2*time.Minute)
	defer cancel()
	type child struct {
		cmd  *exec.Cmd
		out  *bufio.Scanner
		errs bytes.Buffer
	}
	var children []*child
	for _, prefix := range []string{"child1", "child2"} {
		c := &child{cmd: helperCmd(t, ctx, "TestHelperWriter", "HALO_STORAGE_HELPER_DIR="+dir,
			"HALO_STORAGE_HELPER_N="+strconv.Itoa(n), "HALO_STORAGE_HELPER_PREFIX="+prefix)}
		stdout, err := c.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		c.cmd.Stderr = &c.errs
		c.out = bufio.NewScanner(stdout)
		children = append(children, c)
	}
	for _, c := range children {
		if err := c.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	// Start writing once a child is writing, so the processes overlap.
	committed := make([]int, len(children))
	for !strings.HasPrefix(children[0].out.Text(), "committed ") {
		if !children[0].out.Scan() {
			children[0].cmd.Wait()
			t.Fatalf("child produced no output: %s", children[0].errs.String())
		}
	}
	committed[0]++
	db, err := Open(ctxBG, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < n; i++ {
		if _, err := db.CreateProfile(ctxBG, Profile{Name: fmt.Sprintf("parent-%d", i)}); err != nil {
			t.Fatalf("parent write %d: %v", i, err)
		}
	}
	for i, c := range children {
		var other []string // a failing child's test output arrives here
		for c.out.Scan() {
			if strings.HasPrefix(c.out.Text(), "committed ") {
				committed[i]++
			} else {
				other = append(other, c.out.Text())
			}
		}
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("child %d failed: %v\n%s%s", i+1, err, strings.Join(other, "\n"), c.errs.String())
		}
		if committed[i] != n {
			t.Errorf("child %d committed %d, want %d", i+1, committed[i], n)
		}
	}
	for _, prefix := range []string{"parent", "child1", "child2"} {
		if c := count(t, db, "SELECT count(*) FROM profiles WHERE name LIKE ?", prefix+"-%"); c != n {
			t.Errorf("%s profiles = %d, want %d", prefix, c, n)
		}
	}
	if c := count(t, db, "SELECT count(*) FROM schema_migrations"); c != schemaVersion {
		t.Errorf("schema_migrations rows = %d, want %d (each applied once)", c, schemaVersion)
	}
}

func TestTimestampsSortAsText(t *testing.T) {
	a := fmtTime(ts("2026-01-02T03:04:05Z"))
	b := fmtTime(ts("2026-01-02T03:04:05.1Z"))
	if !(a < b) {
		t.Errorf("%q should sort before %q", a, b)
	}
	in := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	if got := parseTime(fmtTime(in)); !got.Equal(in) || got.Location() != time.UTC {
		t.Errorf("round trip = %v", got)
	}
}

// makeSnapshot builds a snapshot with n agents, each in two teams.
func makeSnapshot(n int) halo.Snapshot {
	s := halo.Snapshot{
		Departments:   []halo.Department{{ID: 1, Name: "Support"}, {ID: 2, Name: "Sales"}},
		Organisations: []halo.Organisation{{ID: 1, Name: "Acme Ltd"}},
	}
	for i := 1; i <= 20; i++ {
		s.Teams = append(s.Teams, halo.Team{ID: i, Name: fmt.Sprintf("Team %d", i), DepartmentID: 1 + i%2, DepartmentName: "Support", Inactive: i == 20})
	}
	for i := 1; i <= n; i++ {
		s.Agents = append(s.Agents, halo.Agent{
			ID: i, Name: fmt.Sprintf("Agent %d", i), FirstName: "Agent", Surname: strconv.Itoa(i),
			Email: fmt.Sprintf("agent%d@acme.example", i), Team: "Team 1",
			Teams: []halo.TeamMembership{
				{TeamID: 1, TeamName: "Team 1", DepartmentID: 1},
				{TeamID: 2 + i%18, TeamName: fmt.Sprintf("Team %d", 2+i%18), DepartmentID: 2},
			},
			Departments: []halo.DepartmentMembership{{DepartmentID: 1, DepartmentName: "Support"}},
			IsDisabled:  i%50 == 0, IsAPIAgent: i == 1, Extension: strconv.Itoa(1000 + i), JobTitle: "Engineer",
		})
	}
	return s
}

func TestMergeMappings(t *testing.T) {
	existing := []mapping.Mapping{{UserID: 1, AgentID: 10}, {UserID: 2, AgentID: 20}, {UserID: 3, AgentID: 30}}
	changes := []mapping.Mapping{{UserID: 2, AgentID: 21}, {UserID: 4, AgentID: 30}, {UserID: 5, AgentID: 50}}
	got := mapping.Reassign(existing, changes) // ApplyMappings' merge
	want := map[int64]int{1: 10, 2: 21, 4: 30, 5: 50}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	agents := map[int]bool{}
	for _, m := range got {
		if want[m.UserID] != m.AgentID {
			t.Errorf("user %d → %d, want %d", m.UserID, m.AgentID, want[m.UserID])
		}
		if agents[m.AgentID] {
			t.Errorf("agent %d mapped twice", m.AgentID)
		}
		agents[m.AgentID] = true
	}
}

// schemaVersion is the number of embedded migrations (counted, so that a
// new migration does not need every test to be edited).
var schemaVersion = func() int {
	m, err := loadMigrations()
	if err != nil {
		panic(err)
	}
	return len(m)
}()

func TestProfileIDsDifferAcrossDatabases(t *testing.T) {
	ids := map[int64]bool{}
	for i := 0; i < 5; i++ {
		db, err := Open(ctxBG, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.CreateProfile(ctxBG, Profile{Name: "Same name"})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if ids[p.ID] || p.ID < 1000000 || p.ID > 1<<52 {
			t.Fatalf("profile ID %d repeats or is out of range (%v)", p.ID, ids)
		}
		ids[p.ID] = true
	}
}
