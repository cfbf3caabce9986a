package halotest

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Bomb makes the list endpoints answer with a decompression bomb: a small
// gzip body (Content-Encoding: gzip, which Go's transport inflates on its
// own) that inflates to Size bytes of {"<list key>":[Record,Record,…]}, as
// a hostile or broken server might send to exhaust a client's memory.
type Bomb struct {
	// Paths are the lower-case paths below /api/ that answer with it
	// ("agent", "team", "toplevel", "organisation", "users", "client",
	// "tickets"); none means all of them. /api/Agent/me never does.
	Paths []string
	// Record is the record repeated; default "{}".
	Record string
	// Size is the inflated size in bytes; default 16 MiB.
	Size int
	// Bare sends a bare array instead of the wrapper object.
	Bare bool
}

// bombKeys are the wrapper keys of the list endpoints.
var bombKeys = map[string]string{
	"agent": "agents", "team": "teams", "toplevel": "tree", "organisation": "organisations",
	"users": "users", "client": "clients", "tickets": "tickets",
}

// bombCache holds each list key's compressed body, made once per server.
type bombCache struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

// serveBomb answers p with the scenario's bomb and reports whether it did.
func (s *Server) serveBomb(w http.ResponseWriter, p string) bool {
	b := s.sc.Bomb
	if b == nil {
		return false
	}
	key, ok := bombKeys[p]
	if !ok || len(b.Paths) > 0 && !containsFold(b.Paths, p) {
		return false
	}
	body := s.bomb.body(key, *b)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// body builds key's answer once: gzip members, which a reader inflates
// one after the other as one stream (RFC 1952): the list's opening, one
// member of about 1 MiB of records repeated as often as Size needs (it is
// compressed once), and the last records with the closing.
func (c *bombCache) body(key string, b Bomb) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if body, ok := c.bodies[key]; ok {
		return body
	}
	rec, size := b.Record, b.Size
	if rec == "" {
		rec = "{}"
	}
	if size <= 0 {
		size = 16 << 20
	}
	head, tail := `{"`+key+`":[`, "]}"
	if b.Bare {
		head, tail = "[", "]"
	}
	chunk := strings.Repeat(rec+",", max(1, (1<<20)/(len(rec)+1)))
	member := gzipped(chunk)
	var out bytes.Buffer
	out.Write(gzipped(head))
	n := len(head) + len(rec) + len(tail)
	for ; n+len(chunk) <= size; n += len(chunk) {
		out.Write(member)
	}
	var last strings.Builder
	for ; n+len(rec)+1 <= size; n += len(rec) + 1 {
		last.WriteString(rec + ",")
	}
	out.Write(gzipped(last.String() + rec + tail))
	if c.bodies == nil {
		c.bodies = map[string][]byte{}
	}
	c.bodies[key] = out.Bytes()
	return c.bodies[key]
}

// gzipped is s as one gzip member.
func gzipped(s string) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write([]byte(s))
	zw.Close()
	return out.Bytes()
}
