package cli

import "testing"

// The broken-database hint must be a command the user's shell runs as is:
// on Windows a cmd.exe/PowerShell "move" with single backslashes.
func TestMoveAsideCommandPerOS(t *testing.T) {
	cases := []struct{ goos, path, want string }{
		{"windows", `C:\Users\Ann Lee\AppData\Roaming\halo-assistant\halo-assistant.db`,
			`move "C:\Users\Ann Lee\AppData\Roaming\halo-assistant\halo-assistant.db" "C:\Users\Ann Lee\AppData\Roaming\halo-assistant\halo-assistant.db.broken"`},
		{"linux", "/home/ann/.config/halo-assistant/halo-assistant.db",
			`mv "/home/ann/.config/halo-assistant/halo-assistant.db" "/home/ann/.config/halo-assistant/halo-assistant.db.broken"`},
		{"darwin", "/Users/ann/Library/Application Support/halo-assistant/halo-assistant.db",
			`mv "/Users/ann/Library/Application Support/halo-assistant/halo-assistant.db" "/Users/ann/Library/Application Support/halo-assistant/halo-assistant.db.broken"`},
	}
	for _, c := range cases {
		if got := moveAsideCommand(c.goos, c.path); got != c.want {
			t.Errorf("moveAsideCommand(%s):\n got %s\nwant %s", c.goos, got, c.want)
		}
	}
}
