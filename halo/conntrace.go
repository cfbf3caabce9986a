package halo

import (
	"crypto/tls"
	"fmt"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"
)

// connTrace records how the first connection to Halo was made, so the
// "reachable" check can report DNS/TCP/TLS without a request of its own.
type connTrace struct {
	mu                         sync.Mutex
	start                      time.Time
	dnsStart, dnsDone          time.Time
	connStart, connDone        time.Time
	tlsStart, tlsDone          time.Time
	gotConn                    bool
	remote                     string
	tlsVersion                 uint16
	dnsNeeded, tlsUsed, reused bool
}

func (t *connTrace) trace() *httptrace.ClientTrace {
	t.start = time.Now()
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { t.mu.Lock(); t.dnsStart, t.dnsNeeded = time.Now(), true; t.mu.Unlock() },
		DNSDone:  func(httptrace.DNSDoneInfo) { t.mu.Lock(); t.dnsDone = time.Now(); t.mu.Unlock() },
		ConnectStart: func(string, string) {
			t.mu.Lock()
			if t.connStart.IsZero() {
				t.connStart = time.Now()
			}
			t.mu.Unlock()
		},
		ConnectDone: func(_, addr string, err error) {
			t.mu.Lock()
			if err == nil {
				t.connDone, t.remote = time.Now(), addr
			}
			t.mu.Unlock()
		},
		TLSHandshakeStart: func() { t.mu.Lock(); t.tlsStart = time.Now(); t.mu.Unlock() },
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			t.mu.Lock()
			if err == nil {
				t.tlsDone, t.tlsUsed, t.tlsVersion = time.Now(), true, cs.Version
			}
			t.mu.Unlock()
		},
		GotConn: func(i httptrace.GotConnInfo) {
			t.mu.Lock()
			t.gotConn, t.reused = true, i.Reused
			if t.remote == "" && i.Conn != nil {
				t.remote = i.Conn.RemoteAddr().String()
			}
			t.mu.Unlock()
		},
	}
}

func (t *connTrace) connected() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gotConn
}

func (t *connTrace) duration() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	end := t.tlsDone
	if end.IsZero() {
		end = t.connDone
	}
	if end.IsZero() || end.Before(t.start) {
		return 0
	}
	return end.Sub(t.start)
}

func (t *connTrace) detail(host string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := "Connected to " + host
	if t.remote != "" && t.remote != host {
		d += " (" + t.remote + ")"
	}
	var steps []string
	ms := func(a, b time.Time) string { return fmt.Sprintf("%d ms", b.Sub(a).Milliseconds()) }
	if t.dnsNeeded && !t.dnsDone.IsZero() {
		steps = append(steps, "DNS "+ms(t.dnsStart, t.dnsDone))
	}
	if !t.connStart.IsZero() && !t.connDone.IsZero() {
		steps = append(steps, "TCP "+ms(t.connStart, t.connDone))
	}
	if t.tlsUsed {
		steps = append(steps, tls.VersionName(t.tlsVersion)+" "+ms(t.tlsStart, t.tlsDone))
	} else {
		steps = append(steps, "no TLS (local address)")
	}
	return d + ": " + strings.Join(steps, ", ") + "."
}
