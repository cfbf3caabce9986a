package cli

import (
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// GUIOptions is what the GUI needs from the command line. gui.Options has
// the same fields; main converts between them, so the front-ends stay peers.
type GUIOptions struct {
	DataDir string
	Demo    bool
	Logger  *slog.Logger
	// Getenv reads the environment (os.Getenv), e.g. for the OS locale.
	Getenv func(string) string
}

func (r *runner) startGUI(dataDirFlag string) int {
	if r.env.GUI == nil {
		fmt.Fprintln(r.env.Stderr, "this build has no GUI")
		return ExitFailed
	}
	reach := r.env.ReachDisplay
	if reach == nil {
		reach = reachX
	}
	if msg := noDisplay(r.env.Getenv, reach); msg != "" {
		fmt.Fprintln(r.env.Stderr, msg)
		return ExitFailed
	}
	dir, err := r.resolveDataDir(dataDirFlag)
	if err != nil {
		return r.fail(err)
	}
	log := r.env.Logger
	if log == nil {
		log = openLog(r.env)
	}
	return r.env.GUI(GUIOptions{DataDir: dir, Demo: r.demo, Logger: log, Getenv: r.env.Getenv})
}

// noDisplay explains, instead of GLFW's panic, why no window can open: no
// display set, or one that nothing answers on. The desktop driver talks
// X11 (XWayland on Wayland desktops), so DISPLAY is what counts.
func noDisplay(getenv func(string) string, reach func(display string) error) string {
	if runtime.GOOS != "linux" && !strings.HasSuffix(runtime.GOOS, "bsd") {
		return ""
	}
	const cli = "\nRun it from a desktop session, or use the command line: 'halo-assistant --help'."
	display := getenv("DISPLAY")
	if display == "" {
		if getenv("WAYLAND_DISPLAY") != "" {
			return "halo-assistant: this Wayland session offers no X11 display (DISPLAY is not set); " +
				"the window needs XWayland, which most desktops start automatically." + cli
		}
		return "halo-assistant: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open." + cli
	}
	if err := reach(display); err != nil {
		return fmt.Sprintf("halo-assistant: the X display %q does not answer (%v), so the window cannot open.%s", display, err, cli)
	}
	return ""
}

// reachX checks that an X server listens for DISPLAY ("[host]:N[.screen]").
func reachX(display string) error {
	host, rest, ok := strings.Cut(display, ":")
	if !ok {
		return fmt.Errorf("not a display name")
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("not a display name")
	}
	if host == "" || host == "unix" {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		c, err := net.DialTimeout("unix", sock, time.Second)
		if err != nil {
			// Some servers only listen on the abstract socket of that name.
			if c2, err2 := net.DialTimeout("unix", "@"+sock, time.Second); err2 == nil {
				c2.Close()
				return nil
			}
			return err
		}
		c.Close()
		return nil
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 2*time.Second)
	if err != nil {
		return err
	}
	c.Close()
	return nil
}
