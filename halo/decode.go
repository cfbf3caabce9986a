package halo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Halo's list endpoints answer either with a bare array or with a wrapper
// object such as {"agents": [...], "record_count": N, "page_no": 1}; which
// one depends on the endpoint, the version and paging. The decoders here
// accept both, and values of a slightly different JSON type (a number where
// the spec says string and the like) through a slower lenient path.

// listMeta is what a wrapper object says about paging.
type listMeta struct {
	Wrapped     bool
	HasCount    bool
	RecordCount int
}

var errNotJSON = errors.New("not JSON")

// errHTMLBody: the answer is a web page (a login page, a proxy's error),
// not Halo's JSON.
var errHTMLBody = errors.New("a web page, not JSON")

// errTooManyRecords: the answer holds more records than the list cap; the
// record past the cap was not built.
var errTooManyRecords = errors.New("too many records")

// decodeList decodes a bare array or a wrapper object held in memory. key
// is the expected array property ("agents"); when absent, the first
// array-valued property is used.
func decodeList[T any](body []byte, key string) ([]T, listMeta, error) {
	var n int
	items, meta, _, err := readList[T](bytes.NewReader(body), key, math.MaxInt, &n)
	return items, meta, err
}

// readList decodes a list answer from r as a stream, one record at a time,
// so what a server sends costs no more than the records it is allowed to
// have: before a record is built, *n (records decoded so far, shared with
// the answer's byte budget: see answerBudget) is checked against maxItems
// and the record past it stops the decoding with errTooManyRecords. A
// wrapper's other arrays count too. message is the description of an
// answer that is an object without the list (an error or an access
// message some Halo versions send with a 200); errHTMLBody reports a web
// page.
func readList[T any](r io.Reader, key string, maxItems int, n *int) (items []T, meta listMeta, message string, err error) {
	br := bufio.NewReader(r)
	first, err := skipSpace(br)
	if err != nil {
		if err == io.EOF {
			err = errNotJSON
		}
		return nil, meta, "", err
	}
	t := &tape{r: br}
	dec := json.NewDecoder(t)
	st := &listState{dec: dec, tape: t, max: maxItems, n: n}
	switch first {
	case '[':
		if _, err := dec.Token(); err != nil {
			return nil, meta, "", err
		}
		items, err = readElems[T](st, true)
	case '{':
		meta.Wrapped = true
		items, message, err = readWrapper[T](st, key, &meta)
	case 'n':
		var v any
		if err := dec.Decode(&v); err != nil || v != nil {
			return nil, meta, "", errNotJSON
		}
	case '<':
		return nil, meta, "", errHTMLBody
	default:
		return nil, meta, "", errNotJSON
	}
	if err != nil {
		return nil, meta, message, err
	}
	// Nothing but white space may follow, as json.Unmarshal requires.
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the JSON value")
		}
		return nil, meta, message, err
	}
	return items, meta, message, nil
}

// skipSpace skips white space and a byte order mark and returns the next
// byte without consuming it.
func skipSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.Discard(1)
			continue
		case 0xEF:
			if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
				br.Discard(3)
				continue
			}
		}
		return b[0], nil
	}
}

// listState is one list answer being decoded.
type listState struct {
	dec  *json.Decoder
	tape *tape
	max  int
	n    *int
}

// tape keeps the bytes the decoder read from the current record on, so a
// record the fast decode refused (a value of another JSON type) can be
// decoded again leniently without holding the whole answer.
type tape struct {
	r    io.Reader
	buf  []byte
	base int64 // the input offset of buf[0]
}

func (t *tape) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// between returns the input from offset from to offset to.
func (t *tape) between(from, to int64) []byte { return t.buf[from-t.base : to-t.base] }

// forget lets the input before offset off go. It is dropped once it is
// at least 64 KiB and half of what is kept, so each byte is moved a few
// times at most, not once per record.
func (t *tape) forget(off int64) {
	k := int(off - t.base)
	if k < 64<<10 || 2*k < len(t.buf) {
		return
	}
	t.buf = t.buf[:copy(t.buf, t.buf[k:])]
	t.base = off
}

// readElems decodes the elements of an array whose '[' was read, counting
// each against the cap before it is built; keep false only counts them.
// Each record is decoded on its own, leniently when a value has another
// JSON type than expected (see lenientUnmarshal), so a record of the wrong
// shape costs only itself.
func readElems[T any](st *listState, keep bool) ([]T, error) {
	var items []T
	if keep {
		items = []T{} // an empty array stays empty, not absent
	}
	var raw json.RawMessage // reused: a skipped record's bytes
	for st.dec.More() {
		if *st.n >= st.max {
			return nil, errTooManyRecords
		}
		st.tape.forget(st.dec.InputOffset())
		if !keep {
			if err := st.dec.Decode(&raw); err != nil {
				return nil, err
			}
			*st.n++
			continue
		}
		if len(items) == cap(items) {
			// Doubling: what growing allocates in all stays near twice
			// the records kept (append's gentler growth for large slices
			// allocates about five times).
			grown := make([]T, len(items), 2*cap(items)+64)
			copy(grown, items)
			items = grown
		}
		items = items[:len(items)+1]
		v := &items[len(items)-1]
		start := st.dec.InputOffset()
		err := st.dec.Decode(v)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			var zero T
			*v = zero
			err = lenientUnmarshal(bytes.TrimLeft(st.tape.between(start, st.dec.InputOffset()), " \t\r\n,"), v)
		}
		if err != nil {
			return nil, err
		}
		*st.n++
		clipNames(v)
	}
	if _, err := st.dec.Token(); err != nil { // ']'
		return nil, err
	}
	return items, nil
}

// Which of a wrapper's properties holds the list, best last: any array
// (the one with the first name in byte order wins), the key in another
// case, the key itself.
const (
	rankNone = iota
	rankOther
	rankFold
	rankExact
)

// readWrapper decodes a wrapper object whose first byte is next: the list
// under key (else the first array-valued property), record_count, and the
// texts of an error answer.
func readWrapper[T any](st *listState, key string, meta *listMeta) ([]T, string, error) {
	dec := st.dec
	if _, err := dec.Token(); err != nil { // '{'
		return nil, "", err
	}
	var (
		best     []T
		bestRank int
		bestName string
		msg      haloErrorWire
	)
	for dec.More() {
		st.tape.forget(dec.InputOffset()) // only records are ever read again
		kt, err := dec.Token()
		if err != nil {
			return nil, "", err
		}
		k, _ := kt.(string)
		if strings.EqualFold(k, "record_count") {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, "", err
			}
			if n, ok := jsonInt(raw); ok {
				meta.HasCount, meta.RecordCount = true, n
			}
			continue
		}
		rank := rankOther
		switch {
		case k == key:
			rank = rankExact
		case strings.EqualFold(k, key):
			rank = rankFold
		}
		vt, err := dec.Token()
		if err != nil {
			return nil, "", err
		}
		switch v := vt.(type) {
		case json.Delim:
			if v == '{' {
				if err := skipRest(dec); err != nil {
					return nil, "", err
				}
				if rank > bestRank && rank != rankOther {
					best, bestRank = nil, rank
				}
				continue
			}
			better := rank > bestRank || rank == rankOther && bestRank == rankOther && k < bestName
			items, err := readElems[T](st, better)
			if err != nil {
				return nil, "", err
			}
			if better {
				best, bestRank, bestName = items, rank, k
			}
		case string:
			if rank != rankOther && bestRank < rank {
				best, bestRank = nil, rank
			}
			switch {
			case strings.EqualFold(k, "error_description"):
				msg.ErrorDescription = v
			case strings.EqualFold(k, "message"):
				msg.Message = v
			case strings.EqualFold(k, "title"):
				msg.Title = v
			case strings.EqualFold(k, "ClassName"):
				msg.ClassName = v
			}
		default: // a number, true, false or null
			if rank != rankOther && bestRank < rank {
				best, bestRank = nil, rank
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, "", err
	}
	message := firstNonEmpty(msg.ErrorDescription, msg.Message, msg.Title, msg.ClassName)
	if bestRank == rankNone {
		if meta.HasCount && meta.RecordCount == 0 {
			return nil, message, nil
		}
		return nil, message, fmt.Errorf("no %q list in the answer", key)
	}
	return best, message, nil
}

// skipRest skips the rest of an object or array whose opening delimiter
// was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// decodeOne decodes a single record that may come bare, as a one-element
// array, or wrapped ({"agents":[{...}]}).
func decodeOne[T any](body []byte, key string) (T, bool, error) {
	var zero T
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(b) == 0 {
		return zero, false, errNotJSON
	}
	switch b[0] {
	case '[':
		items, _, err := decodeList[T](b, key)
		if err != nil || len(items) == 0 {
			return zero, false, err
		}
		return items[0], true, nil
	case '{':
	default:
		return zero, false, errNotJSON
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return zero, false, err
	}
	if raw, ok := lookupKey(obj, key); ok && len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '[' {
		items, _, err := decodeList[T](raw, key)
		if err != nil || len(items) == 0 {
			return zero, false, err
		}
		return items[0], true, nil
	}
	var v T
	if err := lenientUnmarshal(b, &v); err != nil {
		return zero, false, err
	}
	clipNames(&v)
	return v, len(obj) > 0, nil
}

func lookupKey(obj map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

func firstArray(obj map[string]json.RawMessage) (json.RawMessage, bool) {
	// Map order is random: pick deterministically by key so a response with
	// two arrays decodes the same way every time.
	best := ""
	var found json.RawMessage
	for k, v := range obj {
		t := bytes.TrimSpace(v)
		if len(t) > 0 && t[0] == '[' && (found == nil || k < best) {
			best, found = k, v
		}
	}
	return found, found != nil
}

func jsonInt(raw json.RawMessage) (int, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	switch x := v.(type) {
	case float64:
		return int(x), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

// lenientUnmarshal tries the fast strict decode first; on a type mismatch it
// coerces the document to the target's shape and decodes again.
func lenientUnmarshal(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var te *json.UnmarshalTypeError
	if err == nil || !errors.As(err, &te) {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	fixed, err := json.Marshal(coerce(doc, reflect.TypeOf(v).Elem()))
	if err != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	rv.Set(reflect.Zero(rv.Type()))
	return json.Unmarshal(fixed, v)
}

// coerce reshapes a generic JSON value to fit type t: numbers become
// strings where strings are wanted and the other way round, "true"/1
// become booleans, and values that cannot fit are dropped (left zero).
func coerce(v any, t reflect.Type) any {
	if v == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(reflect.TypeFor[json.Unmarshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return v
	}
	switch t.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x
		case json.Number:
			return x.String()
		case bool:
			return strconv.FormatBool(x)
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch x := v.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil {
				return n
			}
			if f, err := x.Float64(); err == nil {
				return int64(f)
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n
			}
		case bool:
			if x {
				return 1
			}
			return 0
		}
		return nil
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case json.Number:
			return x
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return f
			}
		}
		return nil
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x
		case json.Number:
			f, err := x.Float64()
			return err == nil && f != 0
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "1", "yes", "y":
				return true
			}
			return false
		}
		return nil
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		out := make([]any, 0, len(arr))
		for _, e := range arr {
			out = append(out, coerce(e, t.Elem()))
		}
		return out
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		out := make(map[string]any, t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag := f.Tag.Get("json"); tag != "" {
				if tag == "-" {
					continue
				}
				if n, _, _ := strings.Cut(tag, ","); n != "" {
					name = n
				}
			}
			val, ok := obj[name]
			if !ok {
				for k, x := range obj {
					if strings.EqualFold(k, name) {
						val, ok = x, true
						break
					}
				}
			}
			if ok {
				out[name] = coerce(val, f.Type)
			}
		}
		return out
	case reflect.Map, reflect.Interface:
		return v
	}
	return nil
}
