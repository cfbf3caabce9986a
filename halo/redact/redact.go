// Package redact removes secrets from text and bounds text that came from a
// server. It is shared by the log (storage/applog) and the Halo client
// (halo), which must not depend on each other.
package redact

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Marker replaces a secret wherever it would have appeared.
const Marker = "[REDACTED]"

// minLen: shorter values are never treated as secrets; redacting them would
// mangle ordinary text and they are not credentials Halo issues.
const minLen = 4

// registered is the process-wide set of values that must never be shown or
// logged. It is global because secrets are learned in many places (GUI,
// CLI, demo) and every logger and error text must be covered.
var registered struct {
	sync.RWMutex
	values []string
}

// Add registers a secret value that String removes from now on.
func Add(v string) {
	if len(v) < minLen {
		return
	}
	registered.Lock()
	defer registered.Unlock()
	for _, s := range registered.values {
		if s == v {
			return
		}
	}
	registered.values = append(registered.values, v)
}

// String returns s with every registered secret, and every value in extra,
// replaced by Marker.
func String(s string, extra ...string) string {
	for _, v := range extra {
		if len(v) >= minLen && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Marker)
		}
	}
	registered.RLock()
	defer registered.RUnlock()
	for _, v := range registered.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Marker)
		}
	}
	return s
}

// Clip shortens s to at most max bytes on a UTF-8 boundary, marking the cut
// with "…".
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
