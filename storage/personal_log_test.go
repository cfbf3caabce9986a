package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// An error naming a 1stream user, as the app logs a failure it shows
// ("extension 201 already belongs to Jane Roe"), reaches the log file as
// its kind only, wrapped or not; other errors keep their text.
func TestErrorsNamingPeopleAreLoggedAsTheirKind(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.CreateProfile(ctx, Profile{Name: "Contoso", HaloURL: "https://contoso.halopsa.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddUser(ctx, mapping.User{ProfileID: p.ID, Extension: "201", Name: "Jane Roe", Email: "jane.roe@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, dup := db.AddUser(ctx, mapping.User{ProfileID: p.ID, Extension: "201", Name: "John Doe"})
	_, mail := db.AddUser(ctx, mapping.User{ProfileID: p.ID, Extension: "202", Email: "jane.roe@example.com"})
	if !errors.Is(dup, ErrDuplicateUser) || !strings.Contains(dup.Error(), "Jane Roe") || !errors.Is(mail, ErrDuplicateUser) {
		t.Fatalf("the failures to log: %v; %v", dup, mail)
	}

	dir := t.TempDir()
	log, closer, err := applog.Open(dir, 0, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	log.Error("Saving the user failed", "err", dup)
	log.Warn("import failed", "err", fmt.Errorf("line 3: %w", mail))
	log.Error("other failure", "err", errors.New("disk full"))
	closer.Close()
	b, err := os.ReadFile(filepath.Join(dir, applog.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, personal := range []string{"Jane Roe", "jane.roe@example.com", "John Doe"} {
		if strings.Contains(string(b), personal) {
			t.Errorf("the log names %q:\n%s", personal, b)
		}
	}
	if strings.Count(string(b), "duplicate user (the details name people and are not logged)") != 2 || !strings.Contains(string(b), "disk full") {
		t.Errorf("the log lacks the failures' kinds:\n%s", b)
	}
}
