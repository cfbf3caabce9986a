package halo

// Logging in: the authorisation server from /api/authinfo (or the
// override), the token request with the Client Secret, and what its
// failures mean.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/halo-assistant/halo-assistant/halo/redact"
)

// parseAuthURL validates an auth URL override with the same scheme rules
// as the instance URL, keeping its path and query (a pasted token URL may
// carry ?tenant=).
func parseAuthURL(raw string) (*url.URL, error) {
	s := cleanPasted(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, newError(KindURL, "", "The authorisation server URL could not be read, e.g. https://yourcompany.halopsa.com/auth.", err)
	}
	if u.User != nil {
		return nil, newError(KindURL, "", "Remove the user name or password from the authorisation server URL.", nil)
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(host):
	case u.Scheme == "http":
		return nil, newError(KindURL, "", "Use https:// for the authorisation server: the Client Secret must not travel unencrypted.", nil)
	default:
		return nil, newError(KindURL, "", fmt.Sprintf("%q is not supported for the authorisation server: use https://.", u.Scheme+"://"), nil)
	}
	if err := checkHost(host); err != nil {
		return nil, err
	}
	u.Fragment = ""
	return u, nil
}

// tokenURLFor builds the token URL from an authorisation server URL:
// auth_url + "/token" (unless it already ends in /token), plus ?tenant=.
// It returns the tenant found in the URL's query, if any.
func tokenURLFor(authURL *url.URL, tenant string) (tokenURL, tenantInURL string) {
	u := *authURL
	q := u.Query()
	tenantInURL = q.Get("tenant")
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(strings.ToLower(p), "/token") {
		p += "/token"
	}
	u.Path = p
	u.RawPath = ""
	if tenant != "" {
		q.Set("tenant", tenant)
	}
	u.RawQuery = q.Encode()
	return u.String(), tenantInURL
}

// Discover reads GET {base}/api/authinfo (no token needed) to find the
// authorisation server and tenant, falling back to {base}/auth/token like
// Halo's own guides. The result is cached. A hard error is returned when the
// server cannot be reached or plainly is not Halo (a web page, or a "not
// found" without Halo's JSON): then no credentials are ever sent to it,
// unless an AuthURL override says where the login server is.
func (c *Client) Discover(ctx context.Context) (AuthInfo, error) {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	if c.auth != nil {
		return *c.auth, nil
	}
	ai, err := c.discover(ctx)
	if err != nil {
		return AuthInfo{}, err
	}
	c.auth = &ai
	return ai, nil
}

type authInfoWire struct {
	AuthURL  any `json:"auth_url"`
	TenantID any `json:"tenant_id"`
}

const authInfoPath = "/api/authinfo"

// readAuthInfo asks /api/authinfo. It returns the auth_url and tenant_id
// Halo named, or why discovery gave nothing usable (fallbackWhy, a clause
// for the warning). notHalo is set when the answer plainly did not come
// from Halo's API; err when no usable answer came at all.
func (c *Client) readAuthInfo(ctx context.Context) (w authInfoWire, fallbackWhy string, notHalo, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.inst.APIURL+"authinfo", nil)
	if err != nil {
		return w, "", nil, newError(KindURL, "", "", err)
	}
	r, err := c.roundTrip(ctx, req)
	if err != nil {
		return w, "", nil, err
	}
	html := isHTMLResponse(r.ctype, r.body)
	isJSON := json.Valid(bytes.TrimLeft(r.body, " \t\r\n\ufeff"))
	ok := r.status >= 200 && r.status < 300
	if ok && html {
		// A login page served for /api: nothing here can work, override or not.
		e := newError(KindNotHalo, "", authInfoPath+" answered with a web page (perhaps a login page) instead of Halo's JSON: this URL is not a Halo API.", nil)
		e.Status = r.status
		return w, "", nil, e
	}
	if !ok {
		if he := c.httpError(authInfoPath, r); he.Kind == KindTLS || he.Kind == KindRateLimited {
			return w, "", nil, he
		}
	}
	unavailable := fmt.Sprintf("Halo's login discovery (%s) was unavailable (HTTP %d)", authInfoPath, r.status)
	switch {
	case r.status >= 500:
		// A server error says nothing about what the server is (hosted Halo
		// answers 500 for an unknown instance): Halo's documented fallback.
		return w, unavailable, nil, nil
	case html || !isJSON:
		// Halo's API answers JSON, errors included; a web page or a bare
		// "not found" comes from some other server, which must not be sent
		// the Client Secret on a guess.
		shape := "without Halo's JSON"
		if html {
			shape = "with a web page instead of Halo's JSON"
		}
		e := newError(KindNotHalo, AdviceAuthInfoNotHalo, fmt.Sprintf("%s answered %s: this URL is not a Halo API, so the Client ID and Secret were not sent.", authInfoPath, shape), nil)
		e.Status = r.status
		return w, fmt.Sprintf("%s answered HTTP %d %s", authInfoPath, r.status, shape), e, nil
	case !ok:
		// A JSON error: Halo, just without a usable authinfo.
		return w, unavailable, nil, nil
	}
	if err := json.Unmarshal(r.body, &w); err != nil {
		return w, fmt.Sprintf("Halo's login discovery (%s) did not return the expected JSON", authInfoPath), nil, nil
	}
	if strings.TrimSpace(stringOf(w.AuthURL)) == "" {
		return w, fmt.Sprintf("Halo's login discovery (%s) named no authorisation server", authInfoPath), nil, nil
	}
	return w, "", nil, nil
}

func (c *Client) discover(ctx context.Context) (AuthInfo, error) {
	var ai AuthInfo
	w, fallbackWhy, notHalo, err := c.readAuthInfo(ctx)
	if err != nil {
		return ai, err
	}
	if notHalo != nil && c.cfg.AuthURL == "" {
		return ai, notHalo
	}
	// A tenant_id counts even when the auth_url is missing.
	ai.AuthURL = c.serverText(stringOf(w.AuthURL))
	ai.TenantID = normTenant(c.serverText(stringOf(w.TenantID)))

	tenant := c.cfg.Tenant
	if tenant == "" {
		tenant = ai.TenantID
	}
	var authURL *url.URL
	switch {
	case c.cfg.AuthURL != "":
		u, err := parseAuthURL(c.cfg.AuthURL)
		if err != nil {
			return AuthInfo{}, err
		}
		authURL = u
		ai.Source = "override"
		ai.AuthURL = strings.TrimRight(u.String(), "/")
		ai.Warning = fallbackWhy // informational: the override does not need authinfo
	case fallbackWhy == "":
		if strings.HasPrefix(c.inst.Base, "https://") && strings.HasPrefix(strings.ToLower(cleanPasted(ai.AuthURL)), "http://") {
			// Loopback or not, an https Halo never serves its login over
			// plain http: whatever named it must not get the secret.
			return AuthInfo{}, newError(KindTLS, AdviceAuthDowngrade,
				fmt.Sprintf("Halo's login discovery (%s) named the plain http authorisation server %s for this https instance, so the Client ID and Secret were not sent.", authInfoPath, ai.AuthURL), nil)
		}
		u, err := parseAuthURL(ai.AuthURL)
		if err != nil {
			fallbackWhy = fmt.Sprintf("Halo's login discovery (%s) named an unusable authorisation server %q", authInfoPath, ai.AuthURL)
		} else {
			authURL = u
			ai.Source = "authinfo"
			ai.Warning = c.otherHostWarning(u)
		}
	}
	if authURL == nil {
		u, _ := url.Parse(c.inst.Base + "/auth")
		authURL = u
		ai.Source = "fallback"
		ai.AuthURL = c.inst.Base + "/auth"
		ai.Warning = fallbackWhy + "; using the standard " + c.inst.Base + "/auth/token."
	}
	tokenURL, tenantInURL := tokenURLFor(authURL, tenant)
	if tenant == "" {
		tenant = tenantInURL
	}
	ai.TokenURL = tokenURL
	ai.Tenant = tenant
	c.log.Debug("halo auth discovered", "source", ai.Source, "token_url", ai.TokenURL, "tenant", ai.Tenant)
	return ai, nil
}

// otherHostWarning says when authinfo sent the login (the Client Secret) to
// a host other than the Halo URL's: legitimate for some hosted trials, but
// also what a tampered authinfo would do, so the admin should see it.
func (c *Client) otherHostWarning(auth *url.URL) string {
	halo := strings.ToLower((&url.URL{Host: c.inst.Host}).Hostname())
	if h := strings.ToLower(auth.Hostname()); h != halo {
		return fmt.Sprintf("Halo's login discovery (%s) named an authorisation server on another host, %s, not %s: the Client ID and Secret are sent there.", authInfoPath, h, halo)
	}
	return ""
}

func stringOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

// Authenticate gets a token now (discovering the auth server first if
// needed), so credential problems show up before any data call.
func (c *Client) Authenticate(ctx context.Context) error {
	_, err := c.token(ctx, nil)
	return err
}

// TokenInfo describes the current token without revealing it.
type TokenInfo struct {
	Type      string
	Scope     string
	ExpiresIn time.Duration // as granted; 0 when Halo did not say
}

// Token returns facts about the current token (fetching one if needed).
func (c *Client) Token(ctx context.Context) (TokenInfo, error) {
	tok, err := c.token(ctx, nil)
	if err != nil {
		return TokenInfo{}, err
	}
	c.tokMu.Lock()
	ttl := c.tokTTL
	c.tokMu.Unlock()
	scope, _ := tok.Extra("scope").(string)
	return TokenInfo{Type: tok.Type(), Scope: c.serverText(scope), ExpiresIn: ttl}, nil
}

// token returns a valid token, reusing the cached one until near expiry.
// stale, when non-nil, is a token the API just refused: it is dropped
// unless another goroutine already replaced it.
func (c *Client) token(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if stale != nil && c.tok == stale {
		c.tok = nil
	}
	if c.tok != nil && (c.tokExpiry.IsZero() || c.now().Before(c.tokExpiry)) {
		return c.tok, nil
	}
	ai, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	if c.cfg.ClientID == "" {
		return nil, newError(KindConfig, AdviceMissingClientID, "", nil)
	}
	if c.cfg.ClientSecret == "" {
		return nil, newError(KindConfig, AdviceMissingSecret, "", nil)
	}
	if err := c.secretMayGo(ctx, ai); err != nil {
		return nil, err
	}
	cc := clientcredentials.Config{
		ClientID:     c.cfg.ClientID,
		ClientSecret: c.cfg.ClientSecret,
		TokenURL:     ai.TokenURL,
		Scopes:       c.scope,
		AuthStyle:    oauth2.AuthStyleInParams, // Halo takes a form body
	}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, &http.Client{
		Transport: headerTransport{c.hc.Transport, c.cfg.UserAgent},
		Jar:       c.hc.Jar, CheckRedirect: c.tokenRedirect,
	})
	tctx = context.WithValue(tctx, idempotentKey{}, true)
	start := c.now()
	tok, err := cc.Token(tctx)
	if err != nil {
		e := c.tokenError(ctx, err, ai)
		c.log.Info("halo token request failed", "token_url", ai.TokenURL, "kind", e.Kind, "status", e.Status, "code", e.Code)
		return nil, e
	}
	if tt := tok.Type(); !strings.EqualFold(tt, "bearer") {
		return nil, &Error{Kind: KindBadResponse, Message: fmt.Sprintf("Halo issued a %q token; this app needs a Bearer token.", c.serverText(tt)), Fix: AdviceFor(string(KindBadResponse)).Fix, Step: "1s-14"}
	}
	// From now on no log line, error or report can show the token, even
	// when a server echoes the request back.
	redact.Add(tok.AccessToken)
	ttl := expiresIn(tok)
	c.tok = tok
	c.tokTTL = ttl
	c.tokExpiry = time.Time{}
	if ttl > 0 {
		// Renew a minute early (a quarter early for short-lived tokens) so a
		// token never expires between our check and Halo's.
		c.tokExpiry = start.Add(ttl - min(time.Minute, ttl/4))
	}
	c.log.Debug("halo token acquired", "token_url", ai.TokenURL, "expires_in", ttl)
	return tok, nil
}

func expiresIn(tok *oauth2.Token) time.Duration {
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		return time.Duration(v * float64(time.Second))
	case string:
		var n float64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return time.Duration(n * float64(time.Second))
		}
	}
	if !tok.Expiry.IsZero() {
		return time.Until(tok.Expiry)
	}
	return 0
}

// headerTransport adds the User-Agent and Accept headers to token requests
// (the oauth2 package builds those requests itself).
type headerTransport struct {
	base http.RoundTripper
	ua   string
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", h.ua)
	r.Header.Set("Accept", "application/json")
	return h.base.RoundTrip(r)
}

// tokenError maps whatever the token request produced to an *Error.
func (c *Client) tokenError(ctx context.Context, err error, ai AuthInfo) *Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		ctype := ""
		if re.Response != nil {
			status = re.Response.StatusCode
			ctype = re.Response.Header.Get("Content-Type")
		}
		code := c.serverText(re.ErrorCode)
		var e *Error
		switch {
		case code == "invalid_client":
			e = newError(KindAuth, AdviceInvalidClient, "", nil)
		case code == "invalid_scope":
			e = newError(KindScope, AdviceInvalidScope, "", nil)
		case code == "unsupported_grant_type":
			e = newError(KindGrant, AdviceUnsupportedGrant, "", nil)
		case code == "unauthorized_client":
			e = newError(KindGrant, AdviceUnauthorizedClient, "", nil)
		case code == "invalid_request":
			e = newError(KindAuth, AdviceInvalidRequest, "", nil)
		case code == "invalid_grant" || code == "access_denied":
			e = newError(KindAuth, AdviceInvalidClient, "", nil)
		case status == http.StatusTooManyRequests:
			e = newError(KindRateLimited, "", "", nil)
		case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
			e = newError(KindNotHalo, AdviceTokenNotFound, fmt.Sprintf("Halo's token endpoint was not found at %s.", ai.TokenURL), nil)
		case isHTMLResponse(ctype, re.Body):
			e = newError(KindNotHalo, "", "The token address answered with a web page, not Halo's token endpoint: this URL is not a Halo API.", nil)
		case status == http.StatusUnauthorized:
			e = newError(KindAuth, AdviceInvalidClient, "", nil)
		case status == http.StatusForbidden:
			e = newError(KindAuth, AdviceInvalidClient, "Halo refused the login (403): the Client ID or Secret is wrong or the application is disabled.", nil)
		case status >= 500:
			e = newError(KindServer, "", "Halo's token endpoint answered with a server error.", nil)
		case code != "":
			e = newError(KindAuth, AdviceInvalidClient, fmt.Sprintf("Halo rejected the login (%s).", code), nil)
		default:
			e = newError(KindBadResponse, "", "Halo's token endpoint gave an unexpected answer.", nil)
		}
		e.Status = status
		e.Code = code
		// The RetrieveError (raw response) stays out of the chain on purpose.
		e.Description = c.serverText(re.ErrorDescription)
		return e
	}
	var he *Error
	if errors.As(err, &he) {
		return he
	}
	msg := err.Error()
	if strings.Contains(msg, "cannot parse") {
		return newError(KindNotHalo, "", "The token address did not answer with Halo's JSON: this URL is not a Halo API (or the authorisation server is wrong).", nil)
	}
	if strings.Contains(msg, "missing access_token") {
		return newError(KindBadResponse, "", "Halo's token response had no access token.", nil)
	}
	host, path := ai.TokenURL, "the token request"
	if u, perr := url.Parse(ai.TokenURL); perr == nil {
		host, path = u.Host, "the token request ("+u.Path+")"
	}
	if e := deadlineError(ctx, path); e != nil {
		return e
	}
	return classifyTransport(ctx, err, host)
}
