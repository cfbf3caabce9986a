package gui

import "github.com/halo-assistant/halo-assistant/storage"

// The History screen lists the exports (storage.Export) with the checks and
// syncs (storage.Run).

// runExport is the kind the History screen gives exports, listed with the
// checks and syncs.
const runExport = "export"

// exportsAsRuns turns exports into history rows.
func exportsAsRuns(es []storage.Export) []storage.Run {
	out := make([]storage.Run, len(es))
	for i, e := range es {
		out[i] = storage.Run{ID: e.ID, ProfileID: e.ProfileID, Kind: runExport, StartedAt: e.At, OK: true, Summary: e.Summary()}
	}
	return out
}

// mergeRuns merges two newest-first lists, keeping the newest limit.
func mergeRuns(a, b []storage.Run, limit int) []storage.Run {
	out := make([]storage.Run, 0, min(len(a)+len(b), limit))
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || len(a) > 0 && !a[0].StartedAt.Before(b[0].StartedAt) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// runKindName names a history row's kind.
func runKindName(r storage.Run) string {
	switch r.Kind {
	case storage.RunSync:
		return "Sync"
	case runExport:
		return "Export"
	}
	return "Systems check"
}
