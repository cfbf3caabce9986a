// Package plainlocale keeps the GUI toolkit quiet under the plain C/POSIX
// locale of containers, cron, CI and SSH sessions. main imports it for its
// init alone.
//
// Fyne's lang package parses the user's locale in its init: LANG=C.UTF-8
// reaches it as the language "C", which is no BCP 47 tag, and every command
// then prints "Fyne error: Error parsing user locale C" on stderr. (Plain
// "C" and "POSIX" are skipped by its locale library, go-locale, which also
// honours LANGUAGE before parsing the locale.) So when the locale in effect
// is C or POSIX with an encoding and LANGUAGE is unset, this package sets
// LANGUAGE=en: the English Fyne falls back to for C anyway, and a variable
// the C library ignores under the C locale, so child processes are not
// affected.
//
// Why this init runs before Fyne's: Go initialises, at each step, the
// first package by import path whose imports are all initialised.
// fyne.io/fyne/v2/lang imports github.com/jeandeaual/go-locale, which on
// every OS depends, directly or not, on os and strings. This package imports
// only those two, so it is ready whenever go-locale is, and it sorts first
// (".../halo-assistant/gui/plainlocale" < "github.com/jeandeaual/..."): it is always
// initialised before go-locale, hence before Fyne's lang. The end-to-end
// test in main_test.go holds that to account.
package plainlocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en when the locale in effect (LC_ALL, else
// LC_MESSAGES, else LANG, as gettext reads them) is C or POSIX with an
// encoding suffix such as C.UTF-8, and LANGUAGE is unset.
func Apply(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		if lang, _, hasEnc := strings.Cut(v, "."); hasEnc && (lang == "C" || lang == "POSIX") {
			_ = setenv("LANGUAGE", "en")
		}
		return
	}
}
