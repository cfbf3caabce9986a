//go:build !nogui

package main

import (
	"github.com/halo-assistant/halo-assistant/gui"
	// Before the toolkit's init parses the locale (see the package).
	_ "github.com/halo-assistant/halo-assistant/gui/plainlocale"
)

// openWindow runs the desktop app in this process.
var openWindow = gui.Run
