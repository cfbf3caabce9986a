package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
)

// fynePrefsFile is where Fyne keeps its own preferences for app id (the app
// stores nothing there). It mirrors fyne.io/fyne/v2@v2.7.1's
// internal/app/config_*.go and app/preferences_other.go for desktop builds.
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
// JSON object. Fyne rewrites that file in place at every exit, so an exit
// cut short can leave it empty or truncated, and the next start would print
// "Fyne error: Preferences load error: EOF". Fyne starts from empty
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
