//go:build !windows

package contacts

// osLocale is the OS's own locale setting where it is not in the
// environment; elsewhere than Windows the environment is the setting.
func osLocale() string { return "" }
