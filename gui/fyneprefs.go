package gui

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// The toolkit's preferences (the file dialogs' last folder and view; the
// app stores nothing there itself) are kept in Fyne's own file, written the
// safe way by prefsStore.
//
// Why: Fyne 2.7.1 rewrites that file in place (create, truncate, write) at
// every exit, after its event loop has stopped, while its own watcher of
// the folder reacts to the truncation by reading the file back: that read
// of the empty file printed "Fyne error: Preferences load error: EOF" on
// about one exit in five (Ctrl+Q and SIGTERM alike). And the process can
// end before that write is done, leaving the file empty for the next start.
// prefsStore writes a temporary file and renames it over the old one, only
// when a value changes, never at exit; Fyne's own store then writes nothing
// (it saves only while it is the app's store, and at exit only its own
// type), so nothing is half-written when the app stops.

// fynePrefsFile is where Fyne keeps its own preferences for app id. It
// mirrors fyne.io/fyne/v2@v2.7.1's internal/app/config_*.go and
// app/preferences_other.go for desktop builds.
func fynePrefsFile(id string) (string, error) {
	var root string
	switch runtime.GOOS {
	case "windows":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "AppData", "Roaming")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, "Library", "Preferences")
	default:
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		root = dir
	}
	return filepath.Join(root, "fyne", id, "preferences.json"), nil
}

// dropDamagedPrefs removes Fyne's preferences file when it does not hold a
// JSON object, as an exit cut short by an earlier version could leave it:
// Fyne reads the file when the app is created, before prefsStore takes
// over, and would print "Preferences load error". Fyne starts from empty
// preferences without the file, as on a first start. It reports whether it
// removed the file.
func dropDamagedPrefs(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false // missing (first start) or unreadable: Fyne copes or says so
	}
	var values map[string]any
	if json.Unmarshal(b, &values) == nil {
		return false
	}
	return os.Remove(path) == nil
}

// usePrefsFile makes a prefsStore over path the app's preferences, through
// Fyne's public hook for another preferences backend (a cloud provider).
func usePrefsFile(a fyne.App, path string, log *slog.Logger) *prefsStore {
	p := loadPrefs(path, log)
	a.SetCloudProvider(prefsProvider{p})
	return p
}

// prefsProvider hands prefsStore to Fyne; it syncs nothing anywhere.
type prefsProvider struct{ store *prefsStore }

func (prefsProvider) ProviderName() string { return "local file" }
func (prefsProvider) ProviderDescription() string {
	return "Preferences kept in a file on this computer, replaced in one step when they change."
}
func (prefsProvider) ProviderIcon() fyne.Resource                  { return theme.StorageIcon() }
func (prefsProvider) Setup(fyne.App) error                         { return nil }
func (prefsProvider) Cleanup(fyne.App)                             {}
func (p prefsProvider) CloudPreferences(fyne.App) fyne.Preferences { return p.store }

// prefsStore implements fyne.Preferences over a JSON file of the format
// Fyne uses, so the values carry over both ways. Every change rewrites the
// file atomically (mapping.WriteFileAtomic); a failure is logged, and the
// value stays for this run.
type prefsStore struct {
	path string
	log  *slog.Logger

	mu        sync.Mutex
	values    map[string]any // as set, or as decoded from JSON
	listeners []func()
}

var _ fyne.Preferences = (*prefsStore)(nil)

// loadPrefs reads path; a missing or damaged file gives empty preferences
// (a damaged one is replaced at the first change).
func loadPrefs(path string, log *slog.Logger) *prefsStore {
	p := &prefsStore{path: path, log: log, values: map[string]any{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return p
	}
	if err := json.Unmarshal(b, &p.values); err != nil || p.values == nil {
		log.Warn("ignored the toolkit's damaged preferences file", "file", path)
		p.values = map[string]any{}
	}
	return p
}

func (p *prefsStore) get(key string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.values[key]
	return v, ok
}

// set stores value (nil removes the key), saves the file and tells the
// listeners.
func (p *prefsStore) set(key string, value any) {
	p.mu.Lock()
	if value == nil {
		delete(p.values, key)
	} else {
		p.values[key] = value
	}
	err := p.save()
	listeners := append([]func(){}, p.listeners...)
	p.mu.Unlock()
	if err != nil {
		p.log.Warn("saving the toolkit's preferences failed", "file", p.path, "err", err)
	}
	for _, l := range listeners {
		l()
	}
}

// save writes the values to a temporary file and renames it over the old
// one: a reader (Fyne's watcher of the folder, the next start) sees the
// old file or the new one, never a partial one. p.mu is held.
func (p *prefsStore) save() error {
	b, err := json.Marshal(p.values)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return err
	}
	return mapping.WriteFileAtomic(p.path, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s\n", b)
		return err
	})
}

// lookup returns the value of key converted by as, or fallback.
func lookup[T any](p *prefsStore, key string, fallback T, as func(any) (T, bool)) T {
	if v, ok := p.get(key); ok {
		if t, ok := as(v); ok {
			return t
		}
	}
	return fallback
}

// Conversions of a stored value: as set, or as JSON decodes it (numbers
// are float64, lists []any), the way Fyne's own store reads them.
func asBool(v any) (bool, bool)     { b, ok := v.(bool); return b, ok }
func asString(v any) (string, bool) { s, ok := v.(string); return s, ok }

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		return int(x), true
	}
	return 0, false
}

// asList converts a list whose every item elem accepts.
func asList[T any](elem func(any) (T, bool)) func(any) ([]T, bool) {
	return func(v any) ([]T, bool) {
		if l, ok := v.([]T); ok {
			return l, true
		}
		var items []any
		switch l := v.(type) {
		case []any:
			items = l
		case []int:
			for _, x := range l {
				items = append(items, x)
			}
		case []float64:
			for _, x := range l {
				items = append(items, x)
			}
		default:
			return nil, false
		}
		out := make([]T, len(items))
		for i, x := range items {
			t, ok := elem(x)
			if !ok {
				return nil, false
			}
			out[i] = t
		}
		return out, true
	}
}

func (p *prefsStore) Bool(key string) bool { return p.BoolWithFallback(key, false) }
func (p *prefsStore) BoolWithFallback(key string, fallback bool) bool {
	return lookup(p, key, fallback, asBool)
}
func (p *prefsStore) SetBool(key string, value bool) { p.set(key, value) }

func (p *prefsStore) BoolList(key string) []bool { return p.BoolListWithFallback(key, []bool{}) }
func (p *prefsStore) BoolListWithFallback(key string, fallback []bool) []bool {
	return lookup(p, key, fallback, asList(asBool))
}
func (p *prefsStore) SetBoolList(key string, value []bool) { p.set(key, value) }

func (p *prefsStore) Float(key string) float64 { return p.FloatWithFallback(key, 0) }
func (p *prefsStore) FloatWithFallback(key string, fallback float64) float64 {
	return lookup(p, key, fallback, asFloat)
}
func (p *prefsStore) SetFloat(key string, value float64) { p.set(key, value) }

func (p *prefsStore) FloatList(key string) []float64 {
	return p.FloatListWithFallback(key, []float64{})
}
func (p *prefsStore) FloatListWithFallback(key string, fallback []float64) []float64 {
	return lookup(p, key, fallback, asList(asFloat))
}
func (p *prefsStore) SetFloatList(key string, value []float64) { p.set(key, value) }

func (p *prefsStore) Int(key string) int { return p.IntWithFallback(key, 0) }
func (p *prefsStore) IntWithFallback(key string, fallback int) int {
	return lookup(p, key, fallback, asInt)
}
func (p *prefsStore) SetInt(key string, value int) { p.set(key, value) }

func (p *prefsStore) IntList(key string) []int { return p.IntListWithFallback(key, []int{}) }
func (p *prefsStore) IntListWithFallback(key string, fallback []int) []int {
	return lookup(p, key, fallback, asList(asInt))
}
func (p *prefsStore) SetIntList(key string, value []int) { p.set(key, value) }

func (p *prefsStore) String(key string) string { return p.StringWithFallback(key, "") }
func (p *prefsStore) StringWithFallback(key, fallback string) string {
	return lookup(p, key, fallback, asString)
}
func (p *prefsStore) SetString(key string, value string) { p.set(key, value) }

func (p *prefsStore) StringList(key string) []string {
	return p.StringListWithFallback(key, []string{})
}
func (p *prefsStore) StringListWithFallback(key string, fallback []string) []string {
	return lookup(p, key, fallback, asList(asString))
}
func (p *prefsStore) SetStringList(key string, value []string) { p.set(key, value) }

func (p *prefsStore) RemoveValue(key string) { p.set(key, nil) }

func (p *prefsStore) AddChangeListener(l func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listeners = append(p.listeners, l)
}

func (p *prefsStore) ChangeListeners() []func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]func(){}, p.listeners...)
}
