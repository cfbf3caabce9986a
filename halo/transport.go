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

// idempotentKey marks a non-GET request (the token POST) as safe to repeat:
// a client-credentials token request has no side effects.
type idempotentKey struct{}

// transport applies the client-side rate limit, the per-attempt timeout and
// the retries to every request, API and token alike, so the limiter counts
// everything that reaches Halo.
type transport struct {
	base     http.RoundTripper
	limiter  *limiter
	timeout  time.Duration
	retries  int           // max 429 retries
	maxWait  time.Duration // total time spent waiting on 429s
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	onWait   func(reason ErrorKind, d time.Duration)
	jitterFn func(time.Duration) time.Duration
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodHead || ctx.Value(idempotentKey{}) != nil
	var n429, n5xx, nNet int
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		if err := t.limiter.wait(ctx); err != nil {
			return nil, err
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
			if ctx.Err() == nil && idempotent && nNet < maxNetRetries && retryableNetErr(err, actx) {
				nNet++
				if err := t.wait(ctx, KindNetwork, t.jitter(backoffNetStart<<(nNet-1))); err != nil {
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
			if err := t.wait(ctx, KindRateLimited, d); err != nil {
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
			if err := t.wait(ctx, KindServer, d); err != nil {
				return nil, err
			}
			continue
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
}

func (t *transport) wait(ctx context.Context, reason ErrorKind, d time.Duration) error {
	if t.onWait != nil {
		t.onWait(reason, d)
	}
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
