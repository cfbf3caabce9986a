// Package assets holds the application's identity and the files it embeds:
// the icon.
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
