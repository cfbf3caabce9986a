package winclip

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// The formats and their values as documented in "Clipboard Formats"
// (learn.microsoft.com, Cloud Clipboard and Clipboard History formats).
var markers = []struct {
	name  string
	value uint32
}{
	// Any data: clipboard monitors, history and sync skip the update.
	{"ExcludeClipboardContentFromMonitorProcessing", 1},
	// DWORD 0: not in clipboard history (Win+V).
	{"CanIncludeInClipboardHistory", 0},
	// DWORD 0: not synced to the user's other devices.
	{"CanUploadToCloudClipboard", 0},
}

const (
	cfUnicodeText = 13
	gmemMoveable  = 0x0002
)

var (
	user32   = syscall.NewLazyDLL("user32.dll")
	kernel32 = syscall.NewLazyDLL("kernel32.dll")

	openClipboard           = user32.NewProc("OpenClipboard")
	closeClipboard          = user32.NewProc("CloseClipboard")
	emptyClipboard          = user32.NewProc("EmptyClipboard")
	setClipboardData        = user32.NewProc("SetClipboardData")
	registerClipboardFormat = user32.NewProc("RegisterClipboardFormatW")

	globalAlloc   = kernel32.NewProc("GlobalAlloc")
	globalFree    = kernel32.NewProc("GlobalFree")
	globalLock    = kernel32.NewProc("GlobalLock")
	globalUnlock  = kernel32.NewProc("GlobalUnlock")
	rtlMoveMemory = kernel32.NewProc("RtlMoveMemory")
)

var copying sync.Mutex

// SetPrivateText replaces the clipboard's content with text, marked as
// above. The clipboard has no owner window afterwards, so the next copy by
// any program replaces it as usual.
func SetPrivateText(text string) error {
	u16, err := syscall.UTF16FromString(text)
	if err != nil {
		return err
	}
	// The clipboard is open for the thread that opened it: every call up to
	// CloseClipboard must come from that thread, and a goroutine may move
	// between threads (open's retry sleeps) unless it is locked to one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Opened without a window, the clipboard can be opened again by any
	// thread of this process, which would take it over mid-copy: one copy
	// at a time.
	copying.Lock()
	defer copying.Unlock()
	if err := open(); err != nil {
		return err
	}
	defer closeClipboard.Call()
	if r, _, err := emptyClipboard.Call(); r == 0 {
		return fmt.Errorf("EmptyClipboard: %w", err)
	}
	if err := setData(cfUnicodeText, unsafe.Pointer(&u16[0]), uintptr(len(u16)*2)); err != nil {
		return err
	}
	for _, m := range markers {
		format, err := registerFormat(m.name)
		if err != nil {
			return err
		}
		v := m.value
		if err := setData(format, unsafe.Pointer(&v), unsafe.Sizeof(v)); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}

// open opens the clipboard for the calling thread (see SetPrivateText),
// waiting briefly while another program (a clipboard manager, a remote
// desktop client) holds it.
func open() error {
	var err error
	for range 20 {
		var r uintptr
		if r, _, err = openClipboard.Call(0); r != 0 {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("OpenClipboard: %w", err)
}

// registerFormat returns the id of a registered clipboard format.
func registerFormat(name string) (uint32, error) {
	p, err := syscall.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	r, _, err := registerClipboardFormat.Call(uintptr(unsafe.Pointer(p)))
	if r == 0 {
		return 0, fmt.Errorf("RegisterClipboardFormat(%s): %w", name, err)
	}
	return uint32(r), nil
}

// setData hands the clipboard a movable global copy of n bytes at src;
// the clipboard owns the memory once SetClipboardData succeeds.
func setData(format uint32, src unsafe.Pointer, n uintptr) error {
	h, _, err := globalAlloc.Call(gmemMoveable, n)
	if h == 0 {
		return fmt.Errorf("GlobalAlloc: %w", err)
	}
	p, _, err := globalLock.Call(h)
	if p == 0 {
		globalFree.Call(h)
		return fmt.Errorf("GlobalLock: %w", err)
	}
	rtlMoveMemory.Call(p, uintptr(src), n)
	globalUnlock.Call(h)
	if r, _, err := setClipboardData.Call(uintptr(format), h); r == 0 {
		globalFree.Call(h)
		return fmt.Errorf("SetClipboardData: %w", err)
	}
	return nil
}
