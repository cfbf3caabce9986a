//go:build nogui

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo/cli"
)

// openWindow starts the desktop app beside this program and returns at
// once. Typing `halo-assistant` in cmd.exe or PowerShell runs the console
// twin (PATHEXT lists .COM first), and with no command it should open the
// window as everywhere else; the console is free again straight away.
func openWindow(o cli.GUIOptions) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot find this program's folder: %v\n", assets.Binary, err)
		return cli.ExitFailed
	}
	return startBeside(self, o, os.Stderr)
}

// startBeside starts the desktop app that sits next to self (on Windows
// halo-assistant.exe next to halo-assistant.com) with the same data
// directory and demo mode. The full path is used, never a search, so no
// other halo-assistant on PATH or in the current folder is started.
func startBeside(self string, o cli.GUIOptions, stderr io.Writer) int {
	app := strings.TrimSuffix(self, filepath.Ext(self)) + ".exe"
	if fi, err := os.Stat(app); err != nil || fi.IsDir() {
		fmt.Fprintf(stderr, "%s: this is the command line only; the desktop app, %s, is not in %s.\n"+
			"Reinstall the program, or see '%s --help' for the commands.\n", assets.Binary, filepath.Base(app), filepath.Dir(app), assets.Binary)
		return cli.ExitFailed
	}
	args := []string{"--data-dir", o.DataDir}
	if o.Demo {
		args = append(args, "--demo")
	}
	cmd := exec.Command(app, args...)
	cmd.Env = cli.ChildEnv() // never HALO_CLIENT_SECRET: the app does not use it
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "%s: starting %s failed: %v\n", assets.Binary, app, err)
		return cli.ExitFailed
	}
	_ = cmd.Process.Release()
	fmt.Fprintf(stderr, "Opening the window (%s). For the command line: %s --help\n", filepath.Base(app), assets.Binary)
	return cli.ExitOK
}
