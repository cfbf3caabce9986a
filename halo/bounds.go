package halo

import (
	"context"
	"errors"
	"reflect"
	"unicode/utf8"
)

// Bounds on what a server can make this app keep. A name is shown in
// reports, stored in the database and written to --json; a hostile or
// broken Halo must not be able to grow them without limit.
const (
	// MaxNameRunes bounds every string field of a record decoded from Halo
	// (names, e-mail addresses, memberships): far past any real name.
	MaxNameRunes = 256
	// maxDetailRunes bounds a check's detail, which quotes up to ten names.
	maxDetailRunes = 4000
	// maxSmallBody bounds the answers that carry no data: /api/authinfo
	// and every error body.
	maxSmallBody = 64 << 10
)

// clipRunes shortens s to at most n characters on a rune boundary, marking
// the cut with "…".
func clipRunes(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}

// clipNames bounds every string reachable from v (a pointer to a decoded
// record or slice of records) to MaxNameRunes, so each record type gets the
// bound without naming its fields.
func clipNames(v any) {
	clipValue(reflect.ValueOf(v))
}

func clipValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clipValue(v.Elem())
		}
	case reflect.String:
		if v.CanSet() && v.Len() > MaxNameRunes {
			v.SetString(clipRunes(v.String(), MaxNameRunes))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // raw bytes, not text
		}
		for i := range v.Len() {
			clipValue(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				clipValue(v.Field(i))
			}
		}
	}
}

// stopReason is why a check stopped early: a cancel, or a deadline (e.g.
// a command's time limit) named by its cause.
func stopReason(ctx context.Context) string {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "Cancelled."
	}
	if cause := context.Cause(ctx); cause != nil && cause != context.DeadlineExceeded {
		return "Stopped: Halo had not answered when " + cause.Error() + "."
	}
	return "Stopped: Halo had not answered in the time allowed."
}
