package winclip

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

var (
	getClipboardData           = user32.NewProc("GetClipboardData")
	isClipboardFormatAvailable = user32.NewProc("IsClipboardFormatAvailable")
	globalSize                 = kernel32.NewProc("GlobalSize")
)

// readFormat returns the bytes the clipboard holds in format, or nil.
func readFormat(t *testing.T, format uint32) []byte {
	t.Helper()
	if r, _, _ := isClipboardFormatAvailable.Call(uintptr(format)); r == 0 {
		return nil
	}
	runtime.LockOSThread() // as SetPrivateText: open for this thread
	defer runtime.UnlockOSThread()
	copying.Lock()
	defer copying.Unlock()
	if err := open(); err != nil {
		t.Fatal(err)
	}
	defer closeClipboard.Call()
	h, _, err := getClipboardData.Call(uintptr(format))
	if h == 0 {
		t.Fatalf("GetClipboardData(%d): %v", format, err)
	}
	n, _, _ := globalSize.Call(h)
	p, _, err := globalLock.Call(h)
	if p == 0 {
		t.Fatalf("GlobalLock: %v", err)
	}
	defer globalUnlock.Call(h)
	b := make([]byte, n)
	if n > 0 {
		rtlMoveMemory.Call(uintptr(unsafe.Pointer(&b[0])), p, n)
	}
	return b
}

// After a private copy the clipboard holds the text and the three markers,
// the two Can… formats as DWORD 0.
func TestSetPrivateText(t *testing.T) {
	const secret = "s3cr3t-Ünïcode-\u00e9"
	if err := SetPrivateText(secret); err != nil {
		t.Fatal(err)
	}
	text := readFormat(t, cfUnicodeText)
	want, _ := syscall.UTF16FromString(secret)
	if len(text) < len(want)*2 {
		t.Fatalf("CF_UNICODETEXT holds %d bytes, want %d", len(text), len(want)*2)
	}
	got := unsafe.Slice((*uint16)(unsafe.Pointer(&text[0])), len(want))
	if syscall.UTF16ToString(got) != secret {
		t.Fatalf("CF_UNICODETEXT = %q", syscall.UTF16ToString(got))
	}
	for _, m := range markers {
		f, err := registerFormat(m.name)
		if err != nil {
			t.Fatal(err)
		}
		b := readFormat(t, f)
		if len(b) < 4 {
			t.Fatalf("%s: %d bytes on the clipboard", m.name, len(b))
		}
		if v := *(*uint32)(unsafe.Pointer(&b[0])); v != m.value {
			t.Errorf("%s = %d, want %d", m.name, v, m.value)
		}
		t.Logf("%s (format %d) = %d", m.name, f, m.value)
	}
	if err := SetPrivateText("a\x00b"); err == nil {
		t.Error("a text with NUL was accepted")
	}
}

// Copies from many goroutines at once: each waits its turn, none fails,
// and the clipboard is not left open for anyone else afterwards. Before,
// a copy could empty the clipboard from a thread that had not opened it
// (the goroutine moved) or another goroutine's open took it over.
func TestSetPrivateTextFromManyGoroutines(t *testing.T) {
	const workers, copies = 6, 25
	errs := make(chan error, workers*copies)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range copies {
				if err := SetPrivateText(fmt.Sprintf("secret-%d-%d", w, i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if text := readFormat(t, cfUnicodeText); len(text) == 0 {
		t.Fatal("the clipboard holds no text after the copies")
	}
}
