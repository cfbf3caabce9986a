package halo

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Retry policy. 429 follows what works against hosted Halo (HaloAPI backs
// off 5 s doubling to 60 s; 5 s × 10 was reported as not enough).
const (
	backoff429Start  = 5 * time.Second
	backoff429Max    = 60 * time.Second
	backoff5xxStart  = 1 * time.Second
	max5xxRetries    = 3
	maxNetRetries    = 2
	backoffNetStart  = 500 * time.Millisecond
	defaultRetryWait = 3 * time.Minute
)

// Retries of requests that change something. GET and HEAD are repeated on
// a dropped connection, a per-attempt timeout and 502/503/504; any other
// method only when its context carries idempotentKey, and every method on
// a 429 (Halo refused it before doing anything). Marked idempotent are the
// token request (client credentials have no side effects) and the contact
// updates of UpdateContacts: each entry carries an existing id and sets
// fields to given values, so applying it twice leaves what applying it
// once does. A POST that could create something (an entry without an id)
// is never sent at all (see write.go), so none is ever replayed.
type idempotentKey struct{}

// bulkKey marks a request of bulk work (the contacts pull, contact
// updates, the agent pull of Pull): it waits for the bulk share of the
// rate limit as well as for the limit itself.
type bulkKey struct{}

// withBulk marks ctx's requests as bulk work.
func withBulk(ctx context.Context) context.Context { return context.WithValue(ctx, bulkKey{}, true) }

// reservedKey carries a *reservation: a slot of the limiters taken before
// the request was built, so its first attempt does not wait again.
type reservedKey struct{}

type reservation struct{ used atomic.Bool }

// waitCtxKey carries the context the transport's waits (limiters,
// backoffs) obey when the request's own context must not be cancelled
// once it is on the wire (UpdateContacts).
type waitCtxKey struct{}

// waitHookKey carries a function told about the waits of this context's
// requests, besides Config.OnWait (see WithWaitHook).
type waitHookKey struct{}

// WithWaitHook returns ctx whose requests also tell hook about every
// backoff and pacing wait they make, as Config.OnWait does for all of a
// client's requests (which hears of pacing waits of a second or more
// only): a long job (a contacts fix) reports the waits of its own
// requests in its progress, a time limit leaves them out.
// Hooks already on ctx are told too.
func WithWaitHook(ctx context.Context, hook func(reason ErrorKind, d time.Duration)) context.Context {
	if prev, ok := ctx.Value(waitHookKey{}).(func(ErrorKind, time.Duration)); ok && prev != nil {
		inner := hook
		hook = func(reason ErrorKind, d time.Duration) {
			prev(reason, d)
			inner(reason, d)
		}
	}
	return context.WithValue(ctx, waitHookKey{}, hook)
}

// transport applies the client-side rate limit, the per-attempt timeout and
// the retries to every request, API and token alike, so the limiter counts
// everything that reaches Halo.
type transport struct {
	base     http.RoundTripper
	limiter  *limiter
	share    *limiter // bulk work's share of the limit; nil when it is the whole
	timeout  time.Duration
	retries  int           // max 429 retries
	maxWait  time.Duration // total time spent waiting on 429s
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	onWait   func(reason ErrorKind, d time.Duration)
	jitterFn func(time.Duration) time.Duration

	paceMu    sync.Mutex
	paceUntil time.Time // end of the last pacing wait reported, so waiters in parallel report once
}

// admit waits until one more request fits the limits: bulk work's share
// first, then the whole limit. Waits of a second or more are reported.
func (t *transport) admit(ctx context.Context, bulk bool) error {
	if bulk {
		if err := t.share.wait(ctx, t.paceNote(ctx, KindRateShare)); err != nil {
			return err
		}
	}
	return t.limiter.wait(ctx, t.paceNote(ctx, KindPacing))
}

// tell reports a wait to Config.OnWait and to ctx's wait hook.
func (t *transport) tell(ctx context.Context, reason ErrorKind, d time.Duration) {
	if t.onWait != nil {
		t.onWait(reason, d)
	}
	tellHook(ctx, reason, d)
}

// tellHook reports a wait to ctx's wait hook only.
func tellHook(ctx context.Context, reason ErrorKind, d time.Duration) {
	if hook, ok := ctx.Value(waitHookKey{}).(func(ErrorKind, time.Duration)); ok && hook != nil {
		hook(reason, d)
	}
}

// minPaceNote is the shortest pacing wait worth telling the user about.
const minPaceNote = time.Second

// paceNote reports a limiter's wait to ctx's wait hook, and through
// onWait unless it is short or ends within a second of one already
// reported (requests in parallel wait for neighbouring slots).
func (t *transport) paceNote(ctx context.Context, kind ErrorKind) func(time.Duration) {
	return func(d time.Duration) {
		tellHook(ctx, kind, d)
		if d < minPaceNote || t.onWait == nil {
			return
		}
		until := t.now().Add(d)
		t.paceMu.Lock()
		report := until.After(t.paceUntil.Add(time.Second))
		if report {
			t.paceUntil = until
		}
		t.paceMu.Unlock()
		if report {
			t.onWait(kind, d)
		}
	}
}

// reserve takes a slot of the limits for a request about to be built, so a
// caller can commit what it must before the request leaves without the
// request waiting after that (see UpdateContacts).
func (t *transport) reserve(ctx context.Context, bulk bool) (context.Context, error) {
	if err := t.admit(ctx, bulk); err != nil {
		return nil, err
	}
	return context.WithValue(ctx, reservedKey{}, &reservation{}), nil
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead || ctx.Value(idempotentKey{}) != nil
	bulk := ctx.Value(bulkKey{}) != nil
	wctx := ctx // what waits obey
	if w, ok := ctx.Value(waitCtxKey{}).(context.Context); ok {
		wctx = w
	}
	res, _ := ctx.Value(reservedKey{}).(*reservation)
	var n429, n5xx, nNet int
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		if res == nil || !res.used.CompareAndSwap(false, true) {
			if err := t.admit(wctx, bulk); err != nil {
				return nil, err
			}
		}
		r := req
		if attempt > 0 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				if req.GetBody == nil {
					return nil, errors.New("halo: cannot repeat a request without GetBody")
				}
				b, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = b
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if t.timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, t.timeout)
		}
		resp, err := t.base.RoundTrip(r.WithContext(actx))
		if err != nil {
			cancel()
			if wctx.Err() == nil && ctx.Err() == nil && idempotent && nNet < maxNetRetries && retryableNetErr(err, actx) {
				nNet++
				if err := t.wait(wctx, KindNetwork, t.jitter(backoffNetStart<<(nNet-1))); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests && n429 < t.retries:
			d, ok := retryAfter(resp.Header.Get("Retry-After"), t.now())
			if !ok {
				d = t.jitter(min(backoff429Start<<min(n429, 8), backoff429Max))
			}
			if waited+d > t.maxWait {
				break
			}
			n429++
			waited += d
			discard(resp, cancel)
			if err := t.wait(wctx, KindRateLimited, d); err != nil {
				return nil, err
			}
			continue
		case idempotent && n5xx < max5xxRetries && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout):
			d, ok := retryAfter(resp.Header.Get("Retry-After"), t.now())
			if !ok || d > backoff429Max {
				d = t.jitter(backoff5xxStart << n5xx)
			}
			n5xx++
			discard(resp, cancel)
			if err := t.wait(wctx, KindServer, d); err != nil {
				return nil, err
			}
			continue
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
}

func (t *transport) wait(ctx context.Context, reason ErrorKind, d time.Duration) error {
	t.tell(ctx, reason, d)
	return t.sleep(ctx, d)
}

// jitter adds up to a quarter on top of d so parallel clients spread out.
func (t *transport) jitter(d time.Duration) time.Duration {
	if t.jitterFn != nil {
		return t.jitterFn(d)
	}
	if d <= 0 {
		return d
	}
	return d + rand.N(d/4+1)
}

func discard(resp *http.Response, cancel context.CancelFunc) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	cancel()
}

// cancelBody releases the per-attempt timeout once the caller has read the
// body: the timeout must cover reading it, not just the headers.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// minRetryAfter floors a Retry-After of 0 or a past date, which would
// otherwise retry at once, again and again.
const minRetryAfter = time.Second

// retryAfter parses Retry-After as seconds or an HTTP date, at least
// minRetryAfter.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs > 24*3600 {
			return 0, false
		}
		return max(time.Duration(secs*float64(time.Second)), minRetryAfter), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d > 24*time.Hour {
			return 0, false
		}
		return max(d, minRetryAfter), true
	}
	return 0, false
}

// retryableNetErr: connection drops and per-attempt timeouts are worth
// another try; DNS, TLS and refused connections are not (they will not fix
// themselves in a second and the user should see them at once).
func retryableNetErr(err error, attemptCtx context.Context) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	if _, _, ok := tlsProblem(err, ""); ok {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false
	}
	if attemptCtx.Err() != nil || isTimeout(err) {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
