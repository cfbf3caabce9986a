// Package applog writes the application's log: log/slog into a
// size-bounded file under the user's cache directory, behind a redaction
// layer that removes every registered secret value from every log line.
package applog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/halo-assistant/halo-assistant/halo/redact"
	"github.com/halo-assistant/halo-assistant/storage/owneronly"
)

// FileName is the log file's name inside the log directory.
const FileName = "halo-assistant.log"

// DefaultMaxBytes bounds the log: at this size the file is rotated to
// FileName+".1" (replacing the previous one), so at most twice this is kept.
const DefaultMaxBytes = 1 << 20

// Redacted replaces a secret wherever it would have appeared.
const Redacted = redact.Marker

// DefaultDir is os.UserCacheDir()/halo-assistant.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the cache directory for logs: %w", err)
	}
	return filepath.Join(d, "halo-assistant"), nil
}

// AddSecret registers a value that the redaction layer removes from every
// log record (and the Halo client from every server text). Values shorter
// than 4 bytes are ignored.
func AddSecret(v string) { redact.Add(v) }

// Redact returns s with every registered secret replaced by Redacted.
func Redact(s string) string { return redact.String(s) }

// Open returns a logger writing text records to dir/FileName, rotated at
// maxBytes (DefaultMaxBytes when <= 0), and the closer for the file.
func Open(dir string, maxBytes int64, level slog.Level) (*slog.Logger, io.Closer, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if err := owneronly.Dir(dir, "log directory"); err != nil {
		return nil, nil, err
	}
	for _, name := range []string{FileName, FileName + ".1"} {
		if err := owneronly.File(filepath.Join(dir, name)); err != nil {
			return nil, nil, err
		}
	}
	w, err := newRotatingFile(filepath.Join(dir, FileName), maxBytes)
	if err != nil {
		return nil, nil, err
	}
	h := NewRedactingHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
	return slog.New(h), w, nil
}

// Discard is a logger that drops everything (tests, --no-log).
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// RedactingHandler wraps a handler and scrubs registered secrets from the
// message and from every attribute, including groups and error values.
type RedactingHandler struct{ next slog.Handler }

// NewRedactingHandler wraps next.
func NewRedactingHandler(next slog.Handler) *RedactingHandler { return &RedactingHandler{next: next} }

func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *RedactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(red)}
}

func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]slog.Attr, len(g))
		for i, ga := range g {
			red[i] = redactAttr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	case slog.KindAny:
		// Errors, Stringers and structs are rendered here so that the
		// rendering, not just the value, is scrubbed.
		return slog.String(a.Key, Redact(render(v.Any())))
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}

// PersonalError is implemented by errors whose text names people (a
// 1stream user, an agent, a contact, their numbers or e-mail addresses):
// the log records their kind, never the text. Errors wrapping one are
// logged the same way.
type PersonalError interface {
	error
	PersonalKind() string
}

// Personal marks err, whose text names people, so that the log records
// kind instead.
func Personal(kind string, err error) error { return &personal{kind: kind, err: err} }

type personal struct {
	kind string
	err  error
}

func (p *personal) Error() string        { return p.err.Error() }
func (p *personal) Unwrap() error        { return p.err }
func (p *personal) PersonalKind() string { return p.kind }

func render(x any) string {
	switch t := x.(type) {
	case error:
		var p PersonalError
		if errors.As(t, &p) {
			return p.PersonalKind() + " (the details name people and are not logged)"
		}
		return t.Error()
	case fmt.Stringer:
		return t.String()
	default:
		return fmt.Sprintf("%+v", t)
	}
}

// rotatingFile is an io.Writer that keeps the log under a size bound.
type rotatingFile struct {
	mu   sync.Mutex
	path string
	max  int64
	f    *os.File
	size int64
}

func newRotatingFile(path string, max int64) (*rotatingFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the log file %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &rotatingFile{path: path, max: max, f: f, size: st.Size()}, nil
}

func (w *rotatingFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, errors.New("log file closed")
	}
	if w.size+int64(len(p)) > w.max && w.size > 0 {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

func (w *rotatingFile) rotate() error {
	if err := w.f.Close(); err != nil {
		return err
	}
	if err := os.Rename(w.path, w.path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(w.path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		w.f = nil
		return err
	}
	w.f, w.size = f, 0
	return nil
}

func (w *rotatingFile) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
