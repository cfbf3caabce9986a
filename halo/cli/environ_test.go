package cli

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// HALO_CLIENT_SECRET leaves the process environment when the program
// starts (OSEnv): a child it starts does not see it, with its environment
// inherited or given as ChildEnv, while --secret-from-env still reads it.
func TestEnvSecretLeavesTheProcessEnvironment(t *testing.T) {
	envCmd, err := exec.LookPath("env")
	if err != nil {
		t.Skip("no env command to start as the child")
	}
	const secret = "8c1e4f7a-2b5d-4e8f-a1c3-6d9b2e5f8a14-3f6a9c2e-5b8d-4a1f-b7e3-0c4d8f2a6b19"
	t.Setenv(secretEnv, secret)
	env := OSEnv(nil)
	if _, ok := os.LookupEnv(secretEnv); ok {
		t.Fatal("HALO_CLIENT_SECRET is still in the process environment")
	}
	if env.Getenv(secretEnv) != secret {
		t.Fatal("the environment the commands read lost the secret")
	}
	child := func(cmd *exec.Cmd) {
		t.Helper()
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "PATH=") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if strings.Contains(string(out), secret) || strings.Contains(string(out), secretEnv) {
			t.Fatalf("the child sees the secret:\n%s", out)
		}
	}
	child(exec.Command(envCmd))
	// ChildEnv leaves it out even where something set it again.
	os.Setenv(secretEnv, secret)
	if slices.ContainsFunc(ChildEnv(), func(kv string) bool { return strings.HasPrefix(kv, secretEnv+"=") }) {
		t.Fatal("ChildEnv passes HALO_CLIENT_SECRET on")
	}
	cmd := exec.Command(envCmd)
	cmd.Env = ChildEnv()
	child(cmd)
}
