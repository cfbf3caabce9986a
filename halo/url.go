package halo

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Instance is the canonical form of a Halo address.
type Instance struct {
	Base       string // "https://host[:port]" plus a sub-path for on-premise installs under one; no trailing slash
	Host       string // "host[:port]" as it appears in Base
	APIURL     string // Base + "/api/": 1stream's "Endpoint"
	DetailsURL string // Base + "/": 1stream's "CRM Details link"
}

// Stored is the form to save and show for the instance: the Base when the
// instance sits at the root of its host, else the API URL, because only
// the "/api" in it tells a later ParseInstance where a sub-path install
// ends (a bare path could equally be a pasted browser address).
func (i Instance) Stored() string {
	if i.Base == "" || strings.Count(i.Base, "/") <= 2 {
		return i.Base
	}
	return i.APIURL
}

// maxURLLen bounds what we try to parse; anything longer is a paste accident.
const maxURLLen = 2048

// ParseInstance turns whatever an admin pastes (a bare host, the /api/ or
// /auth form, the token URL, a browser address with a path, a custom domain,
// a port, stray spaces or quotes) into the canonical instance. Plain http is
// accepted only for loopback hosts (tests, the local demo). Errors are
// *Error of kind KindURL with a message saying what is wrong.
func ParseInstance(raw string) (Instance, error) {
	s := cleanPasted(raw)
	if s == "" {
		return Instance{}, urlError("Enter your Halo URL, e.g. https://yourcompany.halopsa.com.")
	}
	if len(s) > maxURLLen {
		return Instance{}, urlError("The Halo URL is too long: paste only the address, e.g. https://yourcompany.halopsa.com.")
	}
	if !utf8.ValidString(s) {
		return Instance{}, urlError("The Halo URL contains invalid characters.")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return Instance{}, urlError("The Halo URL contains spaces: paste only the address, e.g. https://yourcompany.halopsa.com.")
		}
	}
	s = strings.ReplaceAll(s, `\`, "/")

	scheme := "https"
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		scheme = strings.ToLower(s[:i])
		rest = s[i+3:]
		// Pasting over a prefilled "https://" gives "https://https://host".
		for {
			low := strings.ToLower(rest)
			if strings.HasPrefix(low, "https://") {
				rest = rest[len("https://"):]
			} else if strings.HasPrefix(low, "http://") {
				rest = rest[len("http://"):]
				if scheme == "https" {
					continue
				}
				scheme = "http"
			} else {
				break
			}
		}
	} else if strings.HasPrefix(s, "//") {
		rest = s[2:]
	} else if i := strings.Index(s, ":"); i > 0 && isSchemeName(s[:i]) && !looksLikePort(s[i+1:]) {
		// "mailto:x", "javascript:x" and friends.
		return Instance{}, urlError(fmt.Sprintf("%q is not a web address: use https://yourcompany.halopsa.com.", s))
	}
	switch scheme {
	case "https", "http":
	default:
		return Instance{}, urlError(fmt.Sprintf("%q addresses are not supported: Halo's API is reached over https://.", scheme+"://"))
	}
	if rest == "" || rest[0] == '/' {
		return Instance{}, urlError("The Halo URL has no host name, e.g. https://yourcompany.halopsa.com.")
	}

	u, err := url.Parse(scheme + "://" + rest)
	if err != nil {
		return Instance{}, urlError("The Halo URL could not be read: check for typos, e.g. https://yourcompany.halopsa.com.")
	}
	if u.User != nil {
		return Instance{}, urlError("Remove the user name or password from the URL (the part before @): the Client ID and Secret have their own fields.")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return Instance{}, urlError("The Halo URL has no host name, e.g. https://yourcompany.halopsa.com.")
	}
	if err := checkHost(host); err != nil {
		return Instance{}, err
	}
	port := u.Port()
	if port == "" && strings.HasSuffix(u.Host, ":") {
		return Instance{}, urlError("The port after the host name is empty: remove the colon or add the port number.")
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return Instance{}, urlError(fmt.Sprintf("The port %q is not a valid port number (1–65535).", port))
		}
		port = strconv.Itoa(n)
		if (scheme == "https" && n == 443) || (scheme == "http" && n == 80) {
			port = ""
		}
	}
	if scheme == "http" && !isLoopback(host) {
		return Instance{}, urlError("Use https:// – Halo only accepts API logins over HTTPS (plain http would send the Client Secret unencrypted). Plain http is allowed only for this computer (localhost).")
	}

	hostPort := host
	if strings.Contains(host, ":") {
		hostPort = "[" + host + "]"
	}
	if port != "" {
		hostPort += ":" + port
	}
	base := scheme + "://" + hostPort + basePath(u.Path)
	return Instance{
		Base:       base,
		Host:       hostPort,
		APIURL:     base + "/api/",
		DetailsURL: base + "/",
	}, nil
}

func urlError(msg string) *Error {
	return newError(KindURL, "", msg, nil)
}

// cleanPasted trims what copy-and-paste adds around an address: spaces
// (including non-breaking and zero-width ones), quotes, angle brackets.
func cleanPasted(s string) string {
	trim := func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '"' || r == '\'' || r == '<' || r == '>' || r == '`'
	}
	return strings.TrimFunc(s, trim)
}

func isSchemeName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// looksLikePort reports whether s (what follows "host:") starts with a port.
func looksLikePort(s string) bool {
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return true // "host:/path" or "host:" – let url.Parse decide
	}
	_, err := strconv.Atoi(s[:end])
	return err == nil
}

// checkHost accepts DNS names (letters, digits, hyphens; single-label names
// for intranet servers), IPv4 and IPv6 literals.
func checkHost(host string) error {
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsUnspecified() || ip.IsMulticast() {
			return urlError(fmt.Sprintf("%s is not the address of a server.", host))
		}
		return nil
	}
	if len(host) > 253 {
		return urlError("The host name is too long.")
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" {
			return urlError(fmt.Sprintf("The host name %q has an empty part (two dots in a row?).", host))
		}
		if len(label) > 63 {
			return urlError(fmt.Sprintf("The host name %q has a part longer than 63 characters.", host))
		}
		for _, r := range label {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			case r == '_':
				return urlError(fmt.Sprintf("The host name %q contains an underscore, which host names cannot have.", host))
			case r > unicode.MaxASCII:
				return urlError(fmt.Sprintf("The host name %q contains non-ASCII letters: use its punycode form (xn--…).", host))
			default:
				return urlError(fmt.Sprintf("The host name %q contains %q, which host names cannot have.", host, r))
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return urlError(fmt.Sprintf("The host name %q has a part starting or ending with a hyphen.", host))
		}
	}
	return nil
}

// isLoopback allows plain http: only "localhost" and loopback IP literals.
// Names under .localhost are not enough, because a resolver may send them to
// DNS, which can answer with any address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// basePath keeps a sub-path only when the pasted path shows where Halo's
// API or auth server sits below it ("/halo/api/…" → "/halo"). Any other
// path is a page of the web app (a ticket, a config screen) and is dropped:
// hosted Halo always lives at the root.
func basePath(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, seg := range segs {
		switch strings.ToLower(seg) {
		case "api", "auth":
			prefix := segs[:i]
			for _, s := range prefix {
				if s == "" || s == "." || s == ".." {
					return ""
				}
			}
			if len(prefix) == 0 {
				return ""
			}
			return "/" + escapePath(strings.Join(prefix, "/"))
		}
	}
	return ""
}

func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}
