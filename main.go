// Command halo-assistant is the Halo Integration Assistant: a desktop app
// (no arguments) and a command line (see --help) that connect 1stream to
// HaloPSA, check the connection and map phone users to Halo agents.
package main

import (
	"os"

	"github.com/halo-assistant/halo-assistant/gui"
	"github.com/halo-assistant/halo-assistant/halo/cli"
	// Before the toolkit's init parses the locale (see the package).
	_ "github.com/halo-assistant/halo-assistant/gui/plainlocale"
)

func main() {
	// The front-ends are peers: the CLI's options become the GUI's here.
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv(func(o cli.GUIOptions) int { return gui.Run(gui.Options(o)) })))
}
