// Package assets holds the application's identity and the files it embeds:
// the icon and demo mode's sample 1stream users.
package assets

import (
	_ "embed"
)

// Identity shared by the GUI, the CLI, the keyring and FyneApp.toml.
const (
	AppName = "Halo Integration Assistant"
	AppID   = "com.halointegration.assistant"
	Binary  = "halo-assistant"
)

// Version is the release version; the Makefile may override it with
// -ldflags "-X github.com/halo-assistant/halo-assistant/assets.Version=…".
var Version = "0.1.0"

// IconPNG is the application icon (512×512).
//
//go:embed icon.png
var IconPNG []byte

// DemoUsersCSV is demo mode's sample 1stream user list (Extension, Name,
// Email). It matches the simulated Halo's demo agents with deliberate
// differences: names without accents, "Last, First", missing and outdated
// emails, a misspelling, a leaver left out and a shared phone with no agent.
//
//go:embed demo-users.csv
var DemoUsersCSV []byte
