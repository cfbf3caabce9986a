// Command halo-assistant is the Halo Integration Assistant: a desktop app
// (no arguments) and a command line (see --help) that connect 1stream to
// HaloPSA, check the connection and map phone users to Halo agents.
//
// Built with the nogui tag (the Windows console twin, halo-assistant.com)
// it holds the command line only: no GUI toolkit, no OpenGL import.
package main

import (
	"os"

	"github.com/halo-assistant/halo-assistant/halo/cli"
	// First, for its init: DLLs load from System32 only (Windows).
	_ "github.com/halo-assistant/halo-assistant/internal/safedll"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv(openWindow)))
}
