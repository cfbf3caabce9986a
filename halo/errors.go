package halo

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// ErrorKind classifies a failure so the GUI and CLI can pick words, icons
// and the checklist step to point at.
type ErrorKind string

// Error kinds. The string values are stable: the CLI prints them and tests
// match on them.
const (
	KindURL         ErrorKind = "url"
	KindConfig      ErrorKind = "config"
	KindDNS         ErrorKind = "dns"
	KindTLS         ErrorKind = "tls"
	KindTimeout     ErrorKind = "timeout"
	KindNetwork     ErrorKind = "network"
	KindNotHalo     ErrorKind = "not_halo"
	KindAuth        ErrorKind = "auth"
	KindScope       ErrorKind = "scope"
	KindGrant       ErrorKind = "grant"
	KindForbidden   ErrorKind = "forbidden"
	KindRateLimited ErrorKind = "rate_limited"
	KindServer      ErrorKind = "server"
	KindBadResponse ErrorKind = "bad_response"
	KindCanceled    ErrorKind = "canceled"
	// Wait reasons of the client's own pacing (Config.OnWait), not
	// failures: KindPacing keeps every request within RateLimit, and
	// KindRateShare keeps bulk work within its RateShare of it.
	KindPacing    ErrorKind = "pacing"
	KindRateShare ErrorKind = "rate_share"
)

// Error is the one error type the package returns for anything the user may
// have to act on. Message is plain language, Fix says what to do, Step is
// the id of the setup checklist step the fix refers to. Code and
// Description are Halo's own error code/description when it sent one.
// Secrets never appear in any field.
type Error struct {
	Kind        ErrorKind
	Status      int
	Code        string
	Description string
	Message     string
	Fix         string
	Step        string
	Err         error
}

func (e *Error) Error() string {
	var extra []string
	if e.Code != "" {
		extra = append(extra, e.Code)
	}
	if e.Status != 0 {
		extra = append(extra, fmt.Sprintf("HTTP %d", e.Status))
	}
	if len(extra) == 0 {
		return e.Message
	}
	return e.Message + " (" + strings.Join(extra, ", ") + ")"
}

func (e *Error) Unwrap() error { return e.Err }

// Advice is a plain-language message plus what to do about it and the
// checklist step that explains it.
type Advice struct {
	Message string
	Fix     string
	Step    string
}

// Advice keys that are not error kinds: OAuth error codes and findings of
// the systems check. Error kinds are keys too (AdviceFor(string(KindDNS))).
const (
	AdviceInvalidClient      = "invalid_client"
	AdviceInvalidScope       = "invalid_scope"
	AdviceUnsupportedGrant   = "unsupported_grant_type"
	AdviceUnauthorizedClient = "unauthorized_client"
	AdviceInvalidRequest     = "invalid_request"
	AdviceTokenNotFound      = "token_not_found"
	AdviceTokenRejected      = "token_rejected"
	AdviceMissingClientID    = "missing_client_id"
	AdviceMissingSecret      = "missing_client_secret"
	AdviceCAFile             = "ca_file"
	AdviceTLSNotHTTPS        = "tls_not_https"
	AdviceTLSNeedsHTTPS      = "tls_needs_https"
	AdviceAuthInfoMissing    = "authinfo_missing"
	AdviceAuthInfoNotHalo    = "authinfo_not_halo"
	AdviceAuthDowngrade      = "authinfo_http_auth"
	AdviceTokenRedirect      = "token_redirect"
	AdviceAPIRedirect        = "api_redirect"
	AdviceDestinationChanged = "destination_changed"
	AdviceAuthServerMoved    = "auth_server_moved"
	AdviceIdentityNotAPI     = "identity_not_api"
	AdviceIdentityNoTeam     = "identity_no_team"
	AdviceIdentityNoDefault  = "identity_no_default_team"
	AdviceAgentsNone         = "agents_none"
	AdviceTeamsNone          = "teams_none"
	AdviceDepartmentsNone    = "departments_none"
	AdviceOrganisationsMulti = "organisations_multi"
	AdviceOrganisationsNone  = "organisations_unavailable"
)

// Where each connection setting is changed, named for both the GUI and the
// CLI: fix texts are shown by both, so neither may name only its own place.
const (
	whereTenant  = "(Connection screen › Advanced, or --tenant)"
	whereAuthURL = "(Connection screen › Advanced, or --auth-url)"
	whereScope   = "(Connection screen › Advanced, or --scope)"
	whereCAFile  = "(Connection screen › Advanced, or --ca-file)"
	whereURL     = "(Connection screen, or --url)"
)

// notHaloFix is the fix for "this URL is not a Halo API", shared by the
// error kind and the authinfo finding.
const notHaloFix = "Use the address you open Halo with (https://yourcompany.halopsa.com) or the Resource Server shown in Halo under Configuration > Integrations > Halo API > API Details."

// notSeeingFix is shared by every "the API agent sees too little" finding so
// the wording stays identical across checks.
const notSeeingFix = "In Halo, open Configuration > Teams & Agents > Agents > the API agent > Departments & Teams: add it to the departments and all the teams whose agents should be mapped, and set a Default Team. Check its organisation/customer restrictions (\"Allow use of all Customers\") and, with multi-tenancy, that it belongs to every organisation whose agents you need."

// adviceTable is the single source of the words the GUI and CLI show.
var adviceTable = map[string]Advice{
	AdviceDestinationChanged: {
		Message: "The connection changed since its Client Secret was entered, so the secret was not sent.",
		Fix: "If the new address is right, enter the Client Secret again (Connection screen: Save asks for it; command line: " +
			"profile set NAME --secret-stdin or --secret-from-env), or confirm that the stored secret belongs there with " +
			"profile set NAME --keep-secret.",
		Step: "halo-13",
	},
	AdviceAuthServerMoved: {
		Message: "Halo's login discovery names another authorisation server than the one the Client Secret went to before, so the secret was not sent.",
		Fix: "Check the authorisation server in Halo (Configuration › Integrations › HaloPSA API › API Details). If Halo really moved it, " +
			"enter the Client Secret again (Connection screen: type it into Client Secret and Save; command line: profile set NAME " +
			"--secret-stdin or --secret-from-env) or confirm it with profile set NAME --keep-secret. If not, the answer did not come " +
			"from your Halo: do not confirm it.",
		Step: "halo-13",
	},
	string(KindURL): {
		Message: "The Halo URL is not valid.",
		Fix:     "Paste the address you use to open Halo, e.g. https://yourcompany.halopsa.com (the /api/ form from 1stream's Endpoint field works too).",
		Step:    "1s-10",
	},
	string(KindConfig): {
		Message: "The connection settings are incomplete.",
		Fix:     "Fill in the Halo URL, Client ID and Client Secret.",
		Step:    "halo-13",
	},
	string(KindDNS): {
		Message: "The Halo host name could not be found (DNS).",
		Fix:     "Check the spelling of the Halo URL. Hosted Halo looks like https://yourcompany.halopsa.com; for on-premise Halo use the address your agents open. Check your DNS or VPN if the name is internal.",
		Step:    "1s-10",
	},
	string(KindTLS): {
		Message: "The secure (HTTPS) connection to Halo failed.",
		Fix:     "On-premise Halo needs a fully chained certificate whose name matches the URL. If your company uses its own certificate authority, choose its CA file " + whereCAFile + ".",
		Step:    "1s-10",
	},
	string(KindTimeout): {
		Message: "Halo did not answer in time.",
		Fix:     "Check your internet connection, proxy and firewall, then try again. On-premise Halo may only accept connections from allowed IP addresses.",
		Step:    "1s-10",
	},
	string(KindNetwork): {
		Message: "Could not connect to the Halo server.",
		Fix:     "Check the URL and port, your internet connection, proxy and firewall. On-premise Halo may only accept connections from allowed IP addresses.",
		Step:    "1s-10",
	},
	string(KindNotHalo): {
		Message: "This URL is not a Halo API: it answered with a web page or \"not found\" where Halo answers JSON.",
		Fix:     notHaloFix,
		Step:    "1s-10",
	},
	string(KindAuth): {
		Message: "Halo rejected the Client ID or Secret.",
		Fix:     "Copy the Client ID and Secret again from the saved application in Halo (Configuration > Integrations > Halo API > View Applications). Halo can change the Client ID when the application is saved.",
		Step:    "halo-12",
	},
	string(KindScope): {
		Message: "Halo refused the requested permissions (scope).",
		Fix:     "In the Halo API application, open the Permissions tab, tick \"All\" and save.",
		Step:    "halo-10",
	},
	string(KindGrant): {
		Message: "This Halo API application does not allow the client-credentials login.",
		Fix:     "Set the application's Authentication Method to \"Client ID and Secret (Services)\", set Login Type to Agent with an \"Agent to log in as\", save, and copy the new Client ID and Secret.",
		Step:    "halo-9",
	},
	string(KindForbidden): {
		Message: "Halo refused access (403): the API application's login agent lacks permissions.",
		Fix:     "In the Halo API application set Login Type to Agent and choose the API agent as \"Agent to log in as\"; give that agent access to agents, teams and departments, and tick \"All\" on the Permissions tab.",
		Step:    "halo-notice",
	},
	string(KindRateLimited): {
		Message: "Halo's rate limit was reached (hosted Halo allows 300 requests per rolling 5 minutes, shared by all integrations).",
		Fix:     "Wait a few minutes and run it again. Other integrations on the same Halo use the same allowance.",
		Step:    "1s-14",
	},
	string(KindServer): {
		Message: "Halo answered with a server error.",
		Fix:     "Try again in a few minutes. If it persists, check Halo's status page or your on-premise server. On hosted Halo a server error for /api/authinfo can also mean the instance name in the URL does not exist.",
		Step:    "1s-14",
	},
	string(KindBadResponse): {
		Message: "Halo sent a response this app could not understand.",
		Fix:     "Check that the URL points at Halo (HaloPSA, HaloITSM or HaloCRM) and try again; save the report and send it to support if it persists.",
		Step:    "1s-14",
	},
	string(KindCanceled): {
		Message: "Cancelled.",
		Fix:     "Run it again when you are ready.",
	},
	string(KindPacing): {
		Message: "Waiting to stay within Halo's rate limit (300 requests per rolling 5 minutes, shared by all integrations).",
		Fix:     "Nothing to do: the work continues by itself.",
		Step:    "fix-second-app",
	},
	string(KindRateShare): {
		Message: "Bulk work takes at most its share of Halo's rate limit, leaving the rest for 1stream's live lookups.",
		Fix:     "Nothing to do: the work continues by itself. After hours a larger share (--rate-share, up to 100) finishes sooner; for a large tenant, give this app its own Halo API application.",
		Step:    "fix-second-app",
	},
	AdviceInvalidClient: {
		Message: "Client ID or Secret is wrong.",
		Fix:     "Halo can change the Client ID when the application is saved: copy it again from the saved application, and the Secret too (steps 12–13). If the Secret was lost, generate a new one.",
		Step:    "halo-12",
	},
	AdviceInvalidScope: {
		Message: "The Halo API application does not grant the requested permissions (invalid_scope).",
		Fix:     "In the Halo API application, open the Permissions tab, tick \"All\" and save (step 10). If you changed the Scope " + whereScope + ", set it back to \"all\".",
		Step:    "halo-10",
	},
	AdviceUnsupportedGrant: {
		Message: "The Halo API application does not accept Client ID and Secret logins (unsupported grant type).",
		Fix:     "Set the application's Authentication Method to \"Client ID and Secret (Services)\" (step 9), save, and copy the Client ID and Secret again.",
		Step:    "halo-9",
	},
	AdviceUnauthorizedClient: {
		Message: "The Halo API application is not allowed to use Client ID and Secret logins (unauthorized client).",
		Fix:     "Set the application's Authentication Method to \"Client ID and Secret (Services)\" (step 9), Login Type to Agent with an \"Agent to log in as\", save, and copy the Client ID and Secret again.",
		Step:    "halo-9",
	},
	AdviceInvalidRequest: {
		Message: "Halo rejected the token request (invalid_request); on hosted Halo this is usually a missing or wrong Tenant.",
		Fix:     "Set the Tenant " + whereTenant + " to the value shown in Halo under Configuration > Integrations > Halo API > API Details (leave it empty for on-premise Halo).",
		Step:    "halo-4",
	},
	AdviceTokenNotFound: {
		Message: "Halo's token endpoint was not found at the expected address.",
		Fix:     "Set the Authorisation Server " + whereAuthURL + " to the value shown in Halo under Configuration > Integrations > Halo API > API Details. Trial instances use a separate host such as https://uk-trial.halopsa.com.",
		Step:    "halo-4",
	},
	AdviceTokenRejected: {
		Message: "Halo issued a token but then refused it.",
		Fix:     "Check that the API application is active and its Login Type is Agent with an enabled \"Agent to log in as\", then run the check again.",
		Step:    "halo-9",
	},
	AdviceMissingClientID: {
		Message: "The Client ID is empty.",
		Fix:     "Paste the Client ID from the saved Halo API application.",
		Step:    "halo-13",
	},
	AdviceMissingSecret: {
		Message: "The Client Secret is empty.",
		Fix:     "Paste the Client Secret from the Halo API application. Halo shows it only once: if it is lost, generate a new one.",
		Step:    "halo-13",
	},
	AdviceCAFile: {
		Message: "The CA certificate file could not be used.",
		Fix:     "Choose a PEM file (-----BEGIN CERTIFICATE-----) with your company's root certificate as the CA file " + whereCAFile + ", or leave the CA file empty for hosted Halo.",
		Step:    "1s-10",
	},
	AdviceTLSNotHTTPS: {
		Message: "The server does not speak HTTPS on this port.",
		Fix:     "Check the address and port of the Halo URL " + whereURL + ": use the https:// address you open Halo with in the browser, normally without a port (443). This port serves plain http or another service, which a certificate cannot fix.",
		Step:    "1s-10",
	},
	AdviceTLSNeedsHTTPS: {
		Message: "The server expects https:// on this port, not http://.",
		Fix:     "Start the Halo URL " + whereURL + " with https://.",
		Step:    "1s-10",
	},
	AdviceAuthInfoMissing: {
		Message: "Halo's login discovery (/api/authinfo) was unavailable; the standard /auth/token address is used.",
		Fix:     "Nothing to do if the Client ID and Secret check passes. Otherwise set the Authorisation Server " + whereAuthURL + " to the value shown in Halo under Configuration > Integrations > Halo API > API Details.",
		Step:    "halo-4",
	},
	AdviceAuthInfoNotHalo: {
		Message: "This URL is not a Halo API: /api/authinfo answered with a web page or a \"not found\" that is not Halo's JSON, so the Client ID and Secret were not sent.",
		Fix:     notHaloFix + " For an on-premise Halo without /api/authinfo, set the Authorisation Server " + whereAuthURL + " to its /auth address.",
		Step:    "1s-10",
	},
	AdviceAuthDowngrade: {
		Message: "Halo's login discovery (/api/authinfo) named a plain http authorisation server for this https instance, so the Client ID and Secret were not sent.",
		Fix:     "Set the Authorisation Server " + whereAuthURL + " to the https address shown in Halo under Configuration > Integrations > Halo API > API Details, and ask your Halo administrator to correct the authorisation server's address.",
		Step:    "halo-4",
	},
	AdviceTokenRedirect: {
		Message: "Halo's token endpoint redirected the login to another server, so the Client ID and Secret were not sent there.",
		Fix:     "If that server is your Halo's real authorisation server, set it as the Authorisation Server " + whereAuthURL + " (the value shown in Halo under Configuration > Integrations > Halo API > API Details); otherwise check the Halo URL and any proxy in between.",
		Step:    "halo-4",
	},
	AdviceAPIRedirect: {
		Message: "Halo redirected a request to another server, so the request and its access token were not sent there.",
		Fix:     "If Halo has moved to the address named, enter that as the Halo URL; otherwise check the Halo URL and any proxy in between.",
		Step:    "halo-4",
	},
	AdviceIdentityNotAPI: {
		Message: "The application logs in as a normal agent, not an API-only agent.",
		Fix:     "Create an agent with \"Is an API-only Agent\" ticked (it takes no licence), give it a Default Team, departments and teams, and choose it as the application's \"Agent to log in as\".",
		Step:    "halo-notice",
	},
	AdviceIdentityNoTeam: {
		Message: "The API agent is in no team or department, so Halo will not show it other agents.",
		Fix:     notSeeingFix,
		Step:    "halo-notice",
	},
	AdviceIdentityNoDefault: {
		Message: "The API agent has no Default Team.",
		Fix:     "Open the API agent in Halo and choose one of your teams as its Default Team. 1stream: \"If you fail to select a team, the agent will not have access to view other agents and the setup will fail.\"",
		Step:    "halo-notice",
	},
	AdviceAgentsNone: {
		Message: "Not seeing Halo users? The API agent can see no agents other than itself.",
		Fix:     notSeeingFix,
		Step:    "not-seeing",
	},
	AdviceTeamsNone: {
		Message: "The API agent can see no teams.",
		Fix:     notSeeingFix,
		Step:    "not-seeing",
	},
	AdviceDepartmentsNone: {
		Message: "The API agent can see no departments.",
		Fix:     notSeeingFix,
		Step:    "not-seeing",
	},
	AdviceOrganisationsMulti: {
		Message: "This Halo has several organisations (multi-tenancy): agents of organisations the API agent does not belong to can be hidden.",
		Fix:     "Make sure the API agent belongs to the departments of every organisation whose agents must be mapped. " + notSeeingFix,
		Step:    "not-seeing",
	},
	AdviceOrganisationsNone: {
		Message: "The API agent cannot list organisations, so multi-tenancy could not be checked.",
		Fix:     "Only matters with multi-tenancy: give the API agent access to organisations if some agents are missing.",
		Step:    "not-seeing",
	},
}

// AdviceFor returns the words for an error kind, an OAuth error code or a
// check finding (the Advice* keys). Unknown keys give the bad-response
// advice, never an empty message.
func AdviceFor(key string) Advice {
	if a, ok := adviceTable[key]; ok {
		return a
	}
	return adviceTable[string(KindBadResponse)]
}

// newError builds an Error from the advice table; message overrides the
// table's message when non-empty (for a more specific sentence).
func newError(kind ErrorKind, adviceKey, message string, err error) *Error {
	if adviceKey == "" {
		adviceKey = string(kind)
	}
	a := AdviceFor(adviceKey)
	if message == "" {
		message = a.Message
	}
	return &Error{Kind: kind, Message: message, Fix: a.Fix, Step: a.Step, Err: err}
}

// KindOf reports the kind of err, or "" when err is not (and does not wrap)
// an *Error.
func KindOf(err error) ErrorKind {
	var he *Error
	if errors.As(err, &he) {
		return he.Kind
	}
	return ""
}

// classifyTransport turns a transport-level error (no HTTP response) into an
// *Error. parent is the caller's context: when it is done the failure is a
// cancellation, not a timeout.
func classifyTransport(parent context.Context, err error, host string) *Error {
	if err == nil {
		return nil
	}
	var he *Error
	if errors.As(err, &he) {
		return he
	}
	if parent != nil && parent.Err() != nil {
		if errors.Is(parent.Err(), context.DeadlineExceeded) {
			return newError(KindTimeout, "", "The check ran out of time before Halo answered.", parent.Err())
		}
		return newError(KindCanceled, "", "", parent.Err())
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		msg := fmt.Sprintf("The host name %q could not be found (DNS).", dnsErr.Name)
		if dnsErr.IsTimeout || dnsErr.IsTemporary {
			msg = fmt.Sprintf("Looking up %q timed out (DNS).", dnsErr.Name)
		}
		return newError(KindDNS, "", msg, err)
	}
	if msg, advice, ok := tlsProblem(err, host); ok {
		return newError(KindTLS, advice, msg, err)
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return newError(KindTimeout, "", fmt.Sprintf("%s did not answer in time.", host), err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return newError(KindNetwork, "", fmt.Sprintf("%s refused the connection: nothing is listening on that port.", host), err)
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return newError(KindNetwork, "", fmt.Sprintf("The connection to %s was closed unexpectedly.", host), err)
	}
	return newError(KindNetwork, "", fmt.Sprintf("Could not connect to %s.", host), err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// tlsProblem recognises certificate and handshake failures and says which
// one it is. advice is the advice key of the fix: "" (the certificate fix of
// KindTLS) for certificate problems, AdviceTLSNotHTTPS when the port does
// not speak TLS at all, where no certificate or CA file can help.
func tlsProblem(err error, host string) (msg, advice string, ok bool) {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &hostErr):
		return fmt.Sprintf("The certificate of %s is for a different name (%s).", host, certNames(hostErr.Certificate)), "", true
	case errors.As(err, &unknown):
		return fmt.Sprintf("The certificate of %s is not trusted (self-signed or issued by a private certificate authority).", host), "", true
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return fmt.Sprintf("The certificate of %s has expired or is not yet valid.", host), "", true
		}
		return fmt.Sprintf("The certificate of %s is not valid.", host), "", true
	case errors.As(err, &verify):
		return fmt.Sprintf("The certificate of %s could not be verified.", host), "", true
	case errors.Is(err, http.ErrSchemeMismatch):
		// net/http's rewording of a RecordHeaderError that began "HTTP/".
		return fmt.Sprintf("%s does not speak HTTPS on this port: it answered with plain http.", host), AdviceTLSNotHTTPS, true
	case errors.As(err, &rec):
		return fmt.Sprintf("%s does not speak HTTPS on this port.", host), AdviceTLSNotHTTPS, true
	case errors.As(err, &alert):
		return fmt.Sprintf("%s refused the secure connection (TLS alert).", host), "", true
	}
	if s := err.Error(); strings.Contains(s, "tls:") || strings.Contains(s, "x509:") {
		return fmt.Sprintf("The secure connection to %s failed.", host), "", true
	}
	return "", "", false
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "unknown"
	}
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		return c.Subject.CommonName
	}
	return strings.Join(names, ", ")
}
