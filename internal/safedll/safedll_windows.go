package safedll

import "syscall"

// loadLibrarySearchSystem32 is LOAD_LIBRARY_SEARCH_SYSTEM32 (libloaderapi.h).
const loadLibrarySearchSystem32 = 0x00000800

// Only the standard library is imported, so this init is ready as soon as
// the runtime's packages are (golang.org/x/sys/windows would sort it after
// every github.com package that is ready earlier).
func init() {
	// kernel32 is loaded into every process already. The call exists on
	// every Windows that Go supports (10 and later); should it fail the
	// classic search order stays and the program still works.
	proc := syscall.NewLazyDLL("kernel32.dll").NewProc("SetDefaultDllDirectories")
	if proc.Find() == nil {
		_, _, _ = proc.Call(loadLibrarySearchSystem32)
	}
}
