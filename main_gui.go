//go:build !nogui

package main

import (
	"github.com/halo-assistant/halo-assistant/gui"
	"github.com/halo-assistant/halo-assistant/halo/cli"
	// Before the toolkit's init parses the locale (see the package).
	_ "github.com/halo-assistant/halo-assistant/gui/plainlocale"
)

// openWindow runs the desktop app in this process. The front-ends are
// peers: the CLI's options become the GUI's here.
func openWindow(o cli.GUIOptions) int { return gui.Run(gui.Options(o)) }
