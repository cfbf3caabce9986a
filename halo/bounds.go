package halo

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// maxRecordBytes is what one record of a list answer may take on
	// average: Halo's list records are a few KiB (Halo's own fields, names
	// and memberships), so 64 KiB leaves a wide margin.
	maxRecordBytes = 64 << 10
	// minAnswerBytes is what any list answer may take however few records
	// it holds: a full page of Halo's largest, 100 records (6.25 MiB).
	minAnswerBytes = 100 * maxRecordBytes
)

// answerBudget reads a list answer's body within its byte budget, which
// grows with the records decoded (*records, counted by readList): at most
// maxRecordBytes per record on average, minAnswerBytes whatever the count,
// and never more than limit (Config.MaxResponseBytes). A page (100
// records) thus gets a few MiB, while a Halo that ignores paging and sends
// every record in one answer still gets room for all of them up to limit;
// a small answer that inflates to a huge one (gzip) is cut off after the
// bytes its records can need. Bytes are counted after the transport
// inflated them.
type answerBudget struct {
	r       io.Reader
	limit   int64
	records *int
	n       int64 // bytes read so far
}

// allowed is the budget for the records decoded so far.
func (b *answerBudget) allowed() int64 {
	return min(b.limit, max(minAnswerBytes, maxRecordBytes*int64(*b.records+1)))
}

func (b *answerBudget) Read(p []byte) (int, error) {
	allowed := b.allowed()
	if b.n > allowed {
		return 0, &answerTooLargeError{limit: allowed, records: *b.records}
	}
	// One byte past the budget is enough to know it was exceeded.
	if room := allowed - b.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err == nil && b.n > allowed {
		err = &answerTooLargeError{limit: allowed, records: *b.records}
	}
	return n, err
}

// answerTooLargeError: a list answer went past its byte budget.
type answerTooLargeError struct {
	limit   int64
	records int
}

func (e *answerTooLargeError) Error() string {
	return fmt.Sprintf("larger than %s after %d records", byteSize(e.limit), e.records)
}

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
