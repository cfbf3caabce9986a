package cli

import (
	"os"
	"runtime"
	"strings"

	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// HALO_CLIENT_SECRET leaves the process environment as soon as the program
// starts: every process it starts inherits that environment (the desktop
// app the Windows console twin opens, the browser "Open in Halo" opens),
// and none of them needs the secret. The value read is still what an
// explicit --secret-from-env takes; the desktop app never uses it.

// takeEnvSecret removes HALO_CLIENT_SECRET from the process environment
// (registering its value with the log redactor) and returns a Getenv for
// the real environment that still answers it with the value read.
func takeEnvSecret() func(string) string {
	secret, _ := os.LookupEnv(secretEnv)
	applog.AddSecret(strings.TrimSpace(secret))
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); isSecretEnv(name) {
			os.Unsetenv(name)
		}
	}
	return func(k string) string {
		if k == secretEnv {
			return secret
		}
		return os.Getenv(k)
	}
}

// ChildEnv is the environment for a process this program starts: its own
// without HALO_CLIENT_SECRET (in any letter case on Windows, whose
// variable names ignore it).
func ChildEnv() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		if name, _, _ := strings.Cut(kv, "="); !isSecretEnv(name) {
			out = append(out, kv)
		}
	}
	return out
}

func isSecretEnv(name string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(name, secretEnv)
	}
	return name == secretEnv
}
