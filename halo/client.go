package halo

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/halo-assistant/halo-assistant/halo/redact"
)

// Defaults for Config fields left zero.
const (
	DefaultScope            = "all"
	DefaultUserAgent        = "halo-assistant"
	DefaultRequestTimeout   = 30 * time.Second
	DefaultRateLimit        = 300
	DefaultRateWindow       = 5 * time.Minute
	DefaultPageSize         = 100
	DefaultPageConcurrency  = 4
	DefaultMaxResponseBytes = 128 << 20
	DefaultMaxPullBytes     = 256 << 20
	DefaultMaxListItems     = 100_000
	defaultMaxRetries       = 10
	DefaultRateShare        = 50
	MinRateShare            = 25
)

// Config is everything needed to talk to one Halo instance.
type Config struct {
	URL          string // whatever the admin pasted; see ParseInstance
	ClientID     string
	ClientSecret string
	Tenant       string // optional; hosted Halo's tenant (overrides authinfo's tenant_id)
	AuthURL      string // optional authorisation server override (on-prem, trial); may be the full token URL
	Scope        string // space separated; default "all"
	CAFile       string // optional PEM file of extra trusted roots (on-prem private CA)
	// SecretFor, when set, binds the secret to the destination it was
	// entered for: unless its seal matches the destination the settings
	// above lead to, no request carries the secret and logging in fails
	// with a *DestinationChangedError. nil for a secret given with these
	// very settings (an ad-hoc check).
	SecretFor *SecretBinding

	UserAgent      string       // e.g. "halo-assistant/1.0.0"
	HTTPClient     *http.Client // optional (tests); its Transport is used underneath the retry/limit layer
	RequestTimeout time.Duration

	// RateLimit is the client-side limit in requests per RateWindow (0 = 300;
	// <0 disables it). With the real clock (Now and Sleep nil) the budget is
	// shared by every Client of the same host, limit and window in the
	// process, since Halo counts per instance; otherwise it is the Client's.
	RateLimit  int
	RateWindow time.Duration // 0 = 5 minutes
	// RateShare is the percentage of RateLimit that bulk work may take in
	// any window: the contacts pull (Contacts), contact updates
	// (UpdateContacts) and the agent pull (Pull), which leaves the rest to
	// 1stream's live lookups with the same application. Single reads (the
	// systems check, a caller lookup) use the whole limit. 0 =
	// DefaultRateShare; otherwise MinRateShare to 100.
	RateShare int

	PageSize        int // agents per page when Halo pages; default 100
	PageConcurrency int // pages fetched at once; default 4

	MaxRetries       int           // 429 retries; default 10
	MaxRetryWait     time.Duration // total wait on 429s before giving up; default 3 min
	MaxResponseBytes int64         // one answer; default 128 MiB
	MaxPullBytes     int64         // all pages of one agent pull; default 256 MiB
	MaxListItems     int           // records in any one list (agents, teams, …); default 100,000

	Sleep func(ctx context.Context, d time.Duration) error // test hook for every wait
	Now   func() time.Time                                 // test hook for the limiter and token expiry
	// OnWait, if set, is told about every backoff or rate-limit wait, so a
	// GUI can say "Halo is busy, retrying in 20 s".
	OnWait func(reason ErrorKind, d time.Duration)
	// OnPull, if set, gets the pull's progress (pages and agents) while
	// RunCheck pulls the user data; calls never overlap.
	OnPull func(PullProgress)

	Logger *slog.Logger // optional; the secret is never logged
}

// AuthInfo is how the app logs in: what /api/authinfo said plus the
// effective token URL and tenant.
type AuthInfo struct {
	AuthURL  string // authorisation server (from authinfo, the override, or Base+"/auth")
	TenantID string // tenant_id reported by /api/authinfo ("" when none)
	TokenURL string // where the token is requested, with ?tenant= when there is one
	Tenant   string // effective tenant: Config.Tenant, else TenantID; 1stream's "CRM Company"
	Source   string // "authinfo", "override" or "fallback"
	// Warning says why authinfo was not used (missing or unhelpful), or,
	// when it was, that it named an authorisation server on another host
	// than the Halo URL's; empty when it answered normally.
	Warning string
}

// Client talks to one Halo instance. It is safe for concurrent use.
type Client struct {
	cfg   Config
	inst  Instance
	scope []string
	hc    *http.Client
	log   *slog.Logger
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	max   int64
	dest  Destination
	tr    *transport

	authMu sync.Mutex
	auth   *AuthInfo

	tokMu     sync.Mutex
	tok       *oauth2.Token
	tokExpiry time.Time // zero: unknown, keep using until a 401
	tokTTL    time.Duration
}

// NewClient checks the configuration and builds a client. It makes no
// network calls.
func NewClient(cfg Config) (*Client, error) {
	inst, err := ParseInstance(cfg.URL)
	if err != nil {
		return nil, err
	}
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	cfg.ClientSecret = strings.TrimSpace(cfg.ClientSecret)
	cfg.Tenant = normTenant(cfg.Tenant)
	cfg.AuthURL = strings.TrimSpace(cfg.AuthURL)
	if cfg.AuthURL != "" {
		if _, err := parseAuthURL(cfg.AuthURL); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(cfg.Scope) == "" {
		cfg.Scope = DefaultScope
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = DefaultRateWindow
	}
	if cfg.RateShare == 0 {
		cfg.RateShare = DefaultRateShare
	}
	if cfg.RateShare < MinRateShare || cfg.RateShare > 100 {
		return nil, newError(KindConfig, "", fmt.Sprintf("The rate share must be between %d and 100 %%, not %d.", MinRateShare, cfg.RateShare), nil)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultPageSize
	}
	if cfg.PageConcurrency <= 0 {
		cfg.PageConcurrency = DefaultPageConcurrency
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = defaultMaxRetries
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = defaultRetryWait
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.MaxPullBytes <= 0 {
		cfg.MaxPullBytes = DefaultMaxPullBytes
	}
	if cfg.MaxListItems <= 0 {
		cfg.MaxListItems = DefaultMaxListItems
	}
	// On the real clock every client of a host shares one limiter; a fake
	// clock (tests) must not mix its time with anyone else's.
	realClock := cfg.Now == nil && cfg.Sleep == nil
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	var caPEM []byte
	if cfg.CAFile != "" {
		if caPEM, err = os.ReadFile(cfg.CAFile); err != nil {
			return nil, newError(KindConfig, AdviceCAFile, fmt.Sprintf("The CA certificate file %q could not be read.", cfg.CAFile), err)
		}
	}
	// The destination is taken from the same CA bytes TLS will trust.
	dest, err := destinationOf(cfg, caPEM)
	if err != nil {
		return nil, err
	}
	base, err := baseTransport(cfg, caPEM)
	if err != nil {
		return nil, err
	}
	var lim, share *limiter
	if cfg.RateLimit > 0 {
		// A 1% longer window absorbs the difference between when we send
		// and when Halo counts a request.
		window := cfg.RateWindow + cfg.RateWindow/100
		// The share is a limiter of its own (bulk requests wait for it and
		// then for the whole limit); none when it is the whole limit.
		shareN := max(1, cfg.RateLimit*cfg.RateShare/100)
		if realClock {
			lim = sharedLimiter(inst.Host, false, cfg.RateLimit, window)
			if shareN < cfg.RateLimit {
				share = sharedLimiter(inst.Host, true, shareN, window)
			}
		} else {
			lim = newLimiter(cfg.RateLimit, window, cfg.Now, cfg.Sleep)
			if shareN < cfg.RateLimit {
				share = newLimiter(shareN, window, cfg.Now, cfg.Sleep)
			}
		}
	}
	tr := &transport{
		base: base, limiter: lim, share: share, timeout: cfg.RequestTimeout,
		retries: cfg.MaxRetries, maxWait: cfg.MaxRetryWait,
		sleep: cfg.Sleep, now: cfg.Now, onWait: cfg.OnWait,
	}
	hc := &http.Client{Transport: tr}
	if cfg.HTTPClient != nil {
		hc.Jar = cfg.HTTPClient.Jar
	}
	c := &Client{
		cfg: cfg, inst: inst, scope: strings.Fields(cfg.Scope), hc: hc, log: log,
		now: cfg.Now, sleep: cfg.Sleep, max: cfg.MaxResponseBytes, dest: dest, tr: tr,
	}
	hc.CheckRedirect = c.apiRedirect
	return c, nil
}

func normTenant(t string) string {
	t = strings.TrimSpace(t)
	// Some vendors tell on-premise users to type "Not set".
	if strings.EqualFold(t, "not set") {
		return ""
	}
	return t
}

func baseTransport(cfg Config, caPEM []byte) (http.RoundTripper, error) {
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			return cfg.HTTPClient.Transport, nil
		}
		return http.DefaultTransport, nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ForceAttemptHTTP2 = true
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem := caPEM
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, newError(KindConfig, AdviceCAFile, fmt.Sprintf("The file %q contains no PEM certificate.", cfg.CAFile), nil)
		}
		tc.RootCAs = pool
	}
	t.TLSClientConfig = tc
	return t, nil
}

// checkRedirect refuses to follow Halo from https to plain http (the
// bearer token must not travel unencrypted) and bounds redirect chains.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	if req.URL.Scheme != "https" && !isLoopback(strings.ToLower(req.URL.Hostname())) {
		return fmt.Errorf("refusing redirect to insecure %s", req.URL.Redacted())
	}
	return nil
}

// tokenRedirect follows a token request's redirect only within the token
// URL's own scheme, host and port: the request carries the Client Secret in
// its body, which Go replays on a 307/308 to wherever Location points (it
// strips only headers across hosts).
func (c *Client) tokenRedirect(req *http.Request, via []*http.Request) error {
	return c.sameOriginRedirect(req, via, AdviceTokenRedirect,
		"Halo's token endpoint redirected the login to %s, another server, so the Client ID and Secret were not sent there.")
}

// apiRedirect keeps /api requests (authinfo included) on the API's origin:
// Go keeps the Authorization header on a redirect to the same host on
// another port, so a redirect there or anywhere else would hand over the
// bearer token.
func (c *Client) apiRedirect(req *http.Request, via []*http.Request) error {
	return c.sameOriginRedirect(req, via, AdviceAPIRedirect,
		"Halo redirected "+via[0].URL.Path+" to %s, another server, so the request and its access token were not sent there.")
}

// sameOriginRedirect is the one redirect policy for anything that carries a
// credential: follow only within the first request's scheme, host and port,
// else refuse naming the target (msg's %s).
func (c *Client) sameOriginRedirect(req *http.Request, via []*http.Request, advice, msg string) error {
	if err := checkRedirect(req, via); err != nil {
		return err
	}
	if origin(req.URL) == origin(via[0].URL) {
		return nil
	}
	target := url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: req.URL.Path}
	return newError(KindBadResponse, advice, fmt.Sprintf(msg, c.serverText(target.String())), nil)
}

// origin is a URL's scheme, host and port with the scheme's default port
// filled in, so "https://h" and "https://h:443" compare equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// Instance returns the canonical instance the client talks to.
func (c *Client) Instance() Instance { return c.inst }

// RateShare is the percentage of the rate limit bulk work may take.
func (c *Client) RateShare() int { return c.cfg.RateShare }

// BulkETA is the least time from now until n more bulk requests could all
// have started under the rate limit and the bulk share, if nothing else
// used them: what pacing alone adds to the time left of bulk work.
func (c *Client) BulkETA(n int) time.Duration {
	return max(c.tr.share.eta(n), c.tr.limiter.eta(n))
}

// maxServerText bounds any text a server supplied (error codes,
// descriptions, messages, authinfo values) before it reaches an error, the
// database, the UI, the log or a report.
const maxServerText = 500

// serverText makes text that came from a server safe to keep and show: the
// client's secret and every registered one removed (a server may echo the
// request), invalid UTF-8 replaced and the length capped on a rune boundary.
func (c *Client) serverText(s string) string {
	// A first cut bounds the work on a huge body; it is far past the final
	// cap, so a secret it splits cannot reach the result.
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	s = redact.String(strings.ToValidUTF8(s, "\uFFFD"), c.cfg.ClientSecret)
	return redact.Clip(strings.TrimSpace(s), maxServerText)
}

// NewRequest builds a GET-style request for an API path relative to the
// resource server ("Agent", "Team?includeenabled=true").
func (c *Client) NewRequest(ctx context.Context, method, path string, query url.Values) (*http.Request, error) {
	u := c.inst.APIURL + strings.TrimLeft(path, "/")
	if len(query) > 0 {
		if strings.Contains(u, "?") {
			u += "&" + query.Encode()
		} else {
			u += "?" + query.Encode()
		}
	}
	return http.NewRequestWithContext(ctx, method, u, nil)
}

// Do sends an authenticated API request and decodes the JSON answer into v
// (when v is non-nil; *json.RawMessage and *[]byte receive the raw body).
// A 401 drops the token and retries once with a fresh one.
func (c *Client) Do(ctx context.Context, req *http.Request, v any) error {
	body, _, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	switch dst := v.(type) {
	case nil:
		return nil
	case *json.RawMessage:
		*dst = append((*dst)[:0], body...)
		return nil
	case *[]byte:
		*dst = append((*dst)[:0], body...)
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return c.decodeError(req.URL.Path, body, err)
	}
	return nil
}

func (c *Client) do(ctx context.Context, req *http.Request) ([]byte, int, error) {
	return c.doWith(ctx, req, readOpts{})
}

// readOpts says how a successful answer's body is read: whole, up to limit
// (0: Config.MaxResponseBytes), or handed to stream as it arrives (list
// answers: the stream bounds itself, see answerBudget). Error answers and
// /api/authinfo are read whole up to maxSmallBody either way.
type readOpts struct {
	limit  int64
	stream func(body io.Reader) error
}

// doWith is do with the body read as opts says. A 401 drops the token and
// retries once with a fresh one.
func (c *Client) doWith(ctx context.Context, req *http.Request, opts readOpts) ([]byte, int, error) {
	var stale *oauth2.Token
	for try := 0; ; try++ {
		tok, err := c.token(ctx, stale)
		if err != nil {
			return nil, 0, err
		}
		r := req.Clone(ctx)
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		body, status, err := c.sendReq(ctx, r, opts)
		if status == http.StatusUnauthorized && try == 0 {
			stale = tok
			c.log.Debug("halo token refused; renewing", "path", req.URL.Path)
			continue
		}
		if status == http.StatusUnauthorized {
			e := newError(KindAuth, AdviceTokenRejected, "", nil)
			e.Status = status
			return nil, status, e
		}
		return body, status, err
	}
}

// sendReq sends req through the retrying transport, reads the body within
// the size cap and turns HTTP failures into *Error. It returns the status
// even when it returns an error.
func (c *Client) sendReq(ctx context.Context, req *http.Request, opts readOpts) ([]byte, int, error) {
	r, err := c.roundTripWith(ctx, req, opts)
	if err != nil {
		return nil, r.status, err
	}
	if err := c.checkResponse(req.URL.Path, r); err != nil {
		return nil, r.status, err
	}
	return r.body, r.status, nil
}

// response is an HTTP answer whose body was read within the size cap.
type response struct {
	status int
	ctype  string
	body   []byte
}

// roundTrip sends req through the retrying transport and reads the answer,
// whatever its status. Errors are only for answers that never came whole
// (network, TLS, cancel) or exceed the size cap.
func (c *Client) roundTrip(ctx context.Context, req *http.Request) (response, error) {
	return c.roundTripWith(ctx, req, readOpts{})
}

// roundTripWith is roundTrip with a successful answer's body read as opts
// says; a streamed body's own error (a bad or oversized answer) is
// returned as it is, a failure to receive it as a transport error.
func (c *Client) roundTripWith(ctx context.Context, req *http.Request, opts readOpts) (response, error) {
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		e := c.transportError(ctx, req, err)
		c.log.Info("halo request failed", "path", req.URL.Path, "kind", e.Kind)
		return response{}, e
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type")}
	ok := r.status >= 200 && r.status < 300
	// authinfo, error answers and web pages carry no data: a few KiB at most.
	small := !ok || strings.HasSuffix(req.URL.Path, authInfoPath) || isHTMLResponse(r.ctype, nil)
	if opts.stream != nil && !small {
		body := &receivedBody{r: resp.Body}
		err := opts.stream(body)
		if body.err != nil {
			return r, c.transportError(ctx, req, body.err)
		}
		c.log.Debug("halo request", "method", req.Method, "path", req.URL.Path, "status", r.status, "bytes", body.n, "ms", time.Since(start).Milliseconds())
		return r, err
	}
	limit := c.max
	if opts.limit > 0 {
		limit = min(limit, opts.limit)
	}
	if small {
		limit = maxSmallBody
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return r, c.transportError(ctx, req, err)
	}
	if int64(len(body)) > limit {
		if !ok || isHTMLResponse(r.ctype, nil) {
			// The status (or the page) says what failed; the start of the body says why.
			body = body[:limit]
		} else {
			e := newError(KindBadResponse, "", fmt.Sprintf("Halo's answer for %s is larger than %s.", req.URL.Path, byteSize(limit)), nil)
			return r, e
		}
	}
	r.body = body
	c.log.Debug("halo request", "method", req.Method, "path", req.URL.Path, "status", r.status, "bytes", len(body), "ms", time.Since(start).Milliseconds())
	return r, nil
}

// receivedBody passes an answer's body through, counting its bytes and
// keeping the error of receiving it (network, cancel) apart from what its
// reader makes of it.
type receivedBody struct {
	r   io.Reader
	n   int64
	err error
}

func (b *receivedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// transportError classifies a request that got no whole answer.
func (c *Client) transportError(ctx context.Context, req *http.Request, err error) *Error {
	what := req.URL.Path
	if p := req.URL.Query().Get("page_no"); p != "" {
		what += " (page " + p + ")"
	}
	if e := deadlineError(ctx, what); e != nil {
		return e
	}
	return classifyTransport(ctx, err, c.inst.Host)
}

// deadlineError is nil unless ctx's deadline ran out; then it names the
// request that was still waiting (what) and the deadline's cause (e.g. a
// command's time limit), so a slow server shows where it was slow.
func deadlineError(ctx context.Context, what string) *Error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil
	}
	why := "the time allowed ran out"
	if cause := context.Cause(ctx); cause != nil && cause != context.DeadlineExceeded {
		why = cause.Error()
	}
	e := newError(KindTimeout, "", fmt.Sprintf("Halo was still answering %s when %s.", what, why), ctx.Err())
	e.Fix = "Halo answered too slowly to finish in time: try again later, or allow more time."
	return e
}

// checkResponse turns an answer that is not a successful JSON one into an
// *Error: a non-2xx status, or a web page served with 2xx.
func (c *Client) checkResponse(path string, r response) *Error {
	if r.status >= 200 && r.status < 300 {
		if isHTMLResponse(r.ctype, r.body) {
			e := newError(KindNotHalo, "", fmt.Sprintf("%s answered with a web page (perhaps a login page) instead of Halo's JSON: this URL is not a Halo API.", path), nil)
			e.Status = r.status
			return e
		}
		return nil
	}
	return c.httpError(path, r)
}

func isHTMLResponse(ctype string, body []byte) bool {
	ct := strings.ToLower(ctype)
	if strings.Contains(ct, "text/html") || strings.Contains(ct, "application/xhtml") {
		return true
	}
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	return len(b) > 0 && b[0] == '<'
}

// haloErrorWire covers the error bodies seen from Halo: OAuth style, the
// .NET ClassName/message style and plain message/title.
type haloErrorWire struct {
	Error            any    `json:"error"`
	ErrorDescription string `json:"error_description"`
	Message          string `json:"message"`
	Title            string `json:"title"`
	ClassName        string `json:"ClassName"`
}

func (c *Client) httpError(path string, r response) *Error {
	status, body := r.status, r.body
	html := isHTMLResponse(r.ctype, body)
	var w haloErrorWire
	var code, desc string
	if !html && json.Unmarshal(body, &w) == nil {
		code, _ = w.Error.(string)
		code = c.serverText(code)
		desc = firstNonEmpty(w.ErrorDescription, w.Message, w.Title, w.ClassName)
	} else if !html {
		desc = strings.TrimSpace(string(body))
	}
	var e *Error
	switch {
	case status == http.StatusBadRequest && bytes.Contains(body, []byte("HTTP request to an HTTPS server")):
		e = newError(KindTLS, AdviceTLSNeedsHTTPS, "", nil)
	case status == http.StatusTooManyRequests:
		e = newError(KindRateLimited, "", "", nil)
	case status == http.StatusForbidden:
		e = newError(KindForbidden, "", fmt.Sprintf("Halo refused access to %s (403): the API application's login agent lacks permissions.", path), nil)
	case status == http.StatusUnauthorized:
		e = newError(KindAuth, AdviceTokenRejected, "", nil)
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		e = newError(KindNotHalo, "", fmt.Sprintf("%s was not found: this URL is not a Halo API, or this Halo version lacks it.", path), nil)
	case status >= 500:
		e = newError(KindServer, "", fmt.Sprintf("Halo answered %s with a server error.", path), nil)
	default:
		e = newError(KindBadResponse, "", fmt.Sprintf("Halo refused the request for %s.", path), nil)
	}
	e.Status = status
	e.Code = code
	e.Description = c.serverText(desc)
	return e
}

// errMessage is the plain message of an *Error, or the error text.
func errMessage(err error) string {
	var he *Error
	if errors.As(err, &he) {
		return he.Message
	}
	return err.Error()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}

func (c *Client) decodeError(path string, body []byte, err error) *Error {
	return unreadableAnswer(path, isHTMLResponse("", body), err)
}

// unreadableAnswer is the error for a successful answer that is not Halo's
// JSON: a web page, or JSON that does not read.
func unreadableAnswer(path string, page bool, err error) *Error {
	if page {
		return newError(KindNotHalo, "", fmt.Sprintf("%s answered with a web page instead of Halo's JSON: this URL is not a Halo API.", path), err)
	}
	return newError(KindBadResponse, "", fmt.Sprintf("Halo's answer for %s could not be read as JSON.", path), err)
}
