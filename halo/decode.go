package halo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// decodeList decodes a bare array or a wrapper object. key is the expected
// array property ("agents"); when absent, the first array-valued property is
// used.
func decodeList[T any](body []byte, key string) ([]T, listMeta, error) {
	var meta listMeta
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	if len(b) == 0 {
		return nil, meta, errNotJSON
	}
	switch b[0] {
	case '[':
		items, err := decodeArray[T](b)
		return items, meta, err
	case '{':
	case 'n':
		if string(bytes.TrimSpace(b)) == "null" {
			return nil, meta, nil
		}
		return nil, meta, errNotJSON
	default:
		return nil, meta, errNotJSON
	}
	meta.Wrapped = true
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, meta, err
	}
	for k, v := range obj {
		if strings.EqualFold(k, "record_count") {
			if n, ok := jsonInt(v); ok {
				meta.HasCount, meta.RecordCount = true, n
			}
		}
	}
	raw, ok := lookupKey(obj, key)
	if !ok {
		raw, ok = firstArray(obj)
	}
	if !ok {
		if meta.HasCount && meta.RecordCount == 0 {
			return nil, meta, nil
		}
		return nil, meta, fmt.Errorf("no %q list in the answer", key)
	}
	items, err := decodeArray[T](raw)
	if err != nil {
		return nil, meta, err
	}
	return items, meta, nil
}

// decodeArray decodes a JSON array of records.
func decodeArray[T any](b []byte) ([]T, error) {
	var items []T
	err := lenientUnmarshal(b, &items)
	clipNames(&items)
	return items, err
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
