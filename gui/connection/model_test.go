package connection

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const (
	testID     = "0f8fad5b-d9cb-469f-a165-70867728950e"
	testSecret = "7c9e6679-7425-40de-944b-e07fc1f90ae7-16fd2706-8baf-433b-82eb-8c7fada847da"
)

// env is a model on a real SQLite file and an in-memory keyring, with one
// profile shown.
type env struct {
	m       *Model
	db      *storage.DB
	secrets *storage.MemorySecrets
	p       storage.Profile
}

func newEnv(t *testing.T, p storage.Profile) *env {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p.Name = "Acme"
	if p, err = db.CreateProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, secrets: storage.NewMemorySecrets(), p: p}
	e.m = New(Store{DB: db, Secrets: db.TrackSecrets(e.secrets)}, false)
	e.show()
	return e
}

// show shows the profile as stored, loaded as the screen loads it.
func (e *env) show() {
	e.p, _ = e.db.Profile(context.Background(), e.p.ID)
	e.m.Show(e.p)
	e.m.Loaded(e.m.Loader()(context.Background()))
}

func (e *env) storeSecret(t *testing.T) {
	t.Helper()
	if err := storage.StoreSecret(context.Background(), e.db, e.m.store.Secrets, e.p, testSecret, ""); err != nil {
		t.Fatal(err)
	}
	e.show()
}

// save runs a whole Save of f as the screen does, inline.
func (e *env) save(f Form) (Outcome, error) {
	req, refused := e.m.PlanSave(f)
	if len(refused) > 0 {
		return Refused, refused
	}
	r, err := e.m.Save(req)(context.Background())
	return e.m.Finish(req, r, err, f), err
}

// The decisions drawn from the form and what is known, without widgets.
func TestView(t *testing.T) {
	e := newEnv(t, storage.Profile{})
	for _, tc := range []struct {
		name  string
		form  Form
		check func(t *testing.T, v View)
	}{
		{"empty form", Form{}, func(t *testing.T, v View) {
			if v.URLHint.Level != Plain || v.IDHint.Level != Plain || v.CanDetect || v.CanSave {
				t.Fatalf("%+v", v)
			}
			if v.Values[Endpoint].Copy != "" || v.Values[APIKey].Shown != "save the Client ID" {
				t.Fatalf("values %+v", v.Values)
			}
			if v.SecretHint.Level != Warn || v.CanForget {
				t.Fatalf("secret %+v", v)
			}
		}},
		{"valid form", Form{URL: "acme.halopsa.com", ClientID: testID, Tenant: "acme"}, func(t *testing.T, v View) {
			if v.URLHint.Text != "✓ https://acme.halopsa.com" || v.IDHint.Level != Good || !v.CanDetect || !v.CanSave {
				t.Fatalf("%+v", v)
			}
		}},
		{"bad URL and a secret as the Client ID", Form{URL: "http://", ClientID: testID + "-" + testID}, func(t *testing.T, v View) {
			if v.URLHint.Level != Bad || v.IDHint.Level != Bad || !strings.Contains(v.IDHint.Text, "swapped") || v.CanDetect {
				t.Fatalf("%+v", v)
			}
		}},
		{"odd Client ID", Form{ClientID: "my-client"}, func(t *testing.T, v View) {
			if v.IDHint.Level != Warn || !strings.HasPrefix(v.IDHint.Text, "⚠") {
				t.Fatalf("%+v", v.IDHint)
			}
		}},
		{"typed secret", Form{Secret: testSecret}, func(t *testing.T, v View) {
			if !strings.Contains(v.SecretHint.Text, "system keyring") || v.CopyStoredSecret {
				t.Fatalf("%+v", v)
			}
		}},
		{"advanced refusals", Form{Tenant: "a b", AuthURL: "http://auth.example.com"}, func(t *testing.T, v View) {
			if v.AdvHint.Level != Bad || !strings.Contains(v.AdvHint.Text, "Tenant: ") || !strings.Contains(v.AdvHint.Text, "Authorisation server: ") {
				t.Fatalf("advanced hint %+v", v.AdvHint)
			}
		}},
		{"relative CA file", Form{CAFile: "ca.pem"}, func(t *testing.T, v View) {
			if wd, _ := os.Getwd(); v.AdvHint.Level != Warn || !strings.Contains(v.AdvHint.Text, filepath.Join(wd, "ca.pem")) {
				t.Fatalf("advanced hint %+v", v.AdvHint)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := e.m.View(tc.form)
			for _, f := range OneStreamFields {
				if _, ok := v.Values[f]; !ok {
					t.Fatalf("no value for %s", f)
				}
			}
			tc.check(t, v)
		})
	}
}

// Demo mode says where its secret lives; a keyring that cannot be read
// is said so.
func TestViewSecretPlaces(t *testing.T) {
	m := New(Store{}, true)
	if v := m.View(Form{Secret: testSecret}); !strings.Contains(v.SecretHint.Text, "memory") || !strings.Contains(v.SecretHint.Text, "Demo mode") {
		t.Fatalf("%+v", v.SecretHint)
	}
	m.secret = SecretState{Known: true, Err: errors.New("locked")}
	if v := m.View(Form{}); v.SecretHint.Level != Bad || !strings.Contains(v.SecretHint.Text, "locked") || v.Values[PrivateKey].Copy != "" {
		t.Fatalf("%+v", v.SecretHint)
	}
}

// 1stream's values are the saved profile's, and the stored secret is
// offered only while the form is saved and the secret bound to it.
func TestValuesAreTheSavedProfiles(t *testing.T) {
	e := newEnv(t, storage.Profile{HaloURL: "https://a.halopsa.com", ClientID: testID, Tenant: "acme"})
	e.storeSecret(t)
	saved := FormOf(e.p)
	v := e.m.View(saved)
	if v.Values[Endpoint].Copy != "https://a.halopsa.com/api/" || v.Values[APIKey].Copy != testID || v.Values[Company].Copy != "acme" ||
		!v.CopyStoredSecret || v.ValuesNote != "" || v.CanSave {
		t.Fatalf("saved form: %+v", v)
	}
	typed := saved
	typed.URL = "b.halopsa.com"
	v = e.m.View(typed)
	if v.Values[Endpoint].Copy != "https://a.halopsa.com/api/" || v.CopyStoredSecret || v.ValuesNote == "" ||
		v.Values[PrivateKey].Shown != "•••••••• (save first)" {
		t.Fatalf("unsaved URL: %+v", v)
	}
	if _, _, ok := e.m.CopySecret(typed); ok {
		t.Fatal("the stored secret is offered beside unsaved changes")
	}

	// Saved without the secret: not offered.
	e.m.SaveUnbound()
	if out, err := e.save(typed); out != Saved {
		t.Fatalf("save without it: %v %v", out, err)
	}
	v = e.m.View(FormOf(e.m.Saved()))
	if v.Values[Endpoint].Copy != "https://b.halopsa.com/api/" || v.CopyStoredSecret || v.Values[PrivateKey].Shown != "•••••••• (enter it again)" ||
		v.SecretHint.Level != Warn {
		t.Fatalf("unbound: %+v", v)
	}
}

// The copy checks the seal against the profile as stored right now, and a
// copy started before another profile was shown is stale.
func TestCopySecret(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storage.Profile{HaloURL: "https://a.halopsa.com", ClientID: testID})
	e.storeSecret(t)
	gen, work, ok := e.m.CopySecret(FormOf(e.p))
	if !ok {
		t.Fatal("a saved, bound secret is not offered")
	}
	// A check records the authorisation server meanwhile: still copied.
	b := e.db.HaloConfig(e.p, testSecret, nil).SecretFor
	found := b.Dest
	found.Found = "https://a.halopsa.com:443"
	if _, err := b.Record(ctx, b.Seal, halo.SecretBinding{Dest: found, Seal: found.Seal(testSecret)}); err != nil {
		t.Fatal(err)
	}
	if secret, err := work(ctx); err != nil || secret != testSecret || !e.m.Copied(gen) {
		t.Fatalf("copy: %q %v", secret, err)
	}
	e.m.Show(e.p)
	if e.m.Copied(gen) {
		t.Fatal("a copy from before a profile switch counts")
	}

	// Changed by the command line after the screen read it.
	e.show()
	_, work, _ = e.m.CopySecret(FormOf(e.p))
	q := e.p
	q.Tenant = "other"
	if err := e.db.UpdateConnection(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, err := work(ctx); err == nil || !strings.Contains(err.Error(), "changed elsewhere") {
		t.Fatalf("copy of a changed profile: %v", err)
	}

	// Another secret in the keyring than the one sealed (an edited keyring
	// or database): refused, naming where it was entered for.
	e.show()
	_ = e.secrets.Set(ctx, e.p.ID, "another-secret")
	_, work, _ = e.m.CopySecret(FormOf(e.p))
	var moved *halo.DestinationChangedError
	if _, err := work(ctx); !errors.As(err, &moved) {
		t.Fatalf("copy of an unsealed secret: %v", err)
	}
}

// A Save that moves the connection away from its stored secret asks for
// it; a CA file that cannot be read is refused next to its field.
func TestSaveOutcomes(t *testing.T) {
	e := newEnv(t, storage.Profile{HaloURL: "https://a.halopsa.com", ClientID: testID})
	e.storeSecret(t)
	f := FormOf(e.p)
	f.URL = "b.halopsa.com"
	out, err := e.save(f)
	var moved *halo.DestinationChangedError
	if out != NeedSecret || !errors.As(err, &moved) || !strings.Contains(moved.Now.Describe(), "b.halopsa.com") || e.m.Saving() {
		t.Fatalf("moving save: %v %v", out, err)
	}
	if p, _ := e.db.Profile(context.Background(), e.p.ID); p.HaloURL != "https://a.halopsa.com" {
		t.Fatal("a save that needs the secret saved")
	}
	f.Secret = testSecret
	if out, err := e.save(f); out != Saved || !e.m.Secret().Bound || e.m.Saved().HaloURL != "https://b.halopsa.com" {
		t.Fatalf("save with the secret: %v %v", out, err)
	}

	missing := filepath.Join(t.TempDir(), "ca.pem")
	f = FormOf(e.m.Saved())
	f.CAFile = missing
	out, err = e.save(f)
	if out != Refused || !strings.Contains(Refusal(err.(halo.FieldErrors)), "CA file: The CA file") {
		t.Fatalf("missing CA file: %v %v", out, err)
	}
	if v := e.m.View(f); v.AdvHint.Level != Bad || !strings.Contains(v.AdvHint.Text, "does not exist") {
		t.Fatalf("the CA file's refusal is not next to it: %+v", v.AdvHint)
	}
	f.CAFile = ""
	if v := e.m.View(f); v.AdvHint.Level == Bad {
		t.Fatal("the refusal outlived the value it was about")
	}
	if _, refused := e.m.PlanSave(Form{URL: "mailto:x", ClientID: testID}); !strings.HasPrefix(Refusal(refused), "Not saved. Halo URL: ") {
		t.Fatalf("refusal %q", Refusal(refused))
	}
	if e.m.Saving() {
		t.Fatal("a refused plan left the model saving")
	}
}
