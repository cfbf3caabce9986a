package halo

import (
	"errors"
	"strings"
)

// ParseAuthURL checks an authorisation server address by ParseInstance's
// rules, for the Connection screen and --auth-url alike; its messages say
// "The address" instead of "The Halo URL", since it names another field.
func ParseAuthURL(raw string) (Instance, error) {
	inst, err := ParseInstance(raw)
	var he *Error
	if errors.As(err, &he) {
		e := *he
		e.Message = strings.Replace(e.Message, "The Halo URL", "The address", 1)
		return inst, &e
	}
	return inst, err
}
