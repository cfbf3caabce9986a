// Package benchmem measures memory for benchmarks that report the peak
// resident set of the process (a target in the README's speed table).
package benchmem

import (
	"os"
	"strconv"
	"strings"
)

// PeakRSS is the process's peak resident set (Linux's VmHWM), 0 elsewhere.
func PeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
