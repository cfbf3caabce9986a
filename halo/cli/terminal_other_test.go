//go:build !linux

package cli

import "testing"

// runTerminal needs a pseudo-terminal, opened here on Linux only.
func (h *harness) runTerminal(t *testing.T, typed string, args ...string) result {
	t.Skip("terminal tests run on Linux")
	return result{}
}
