package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch t := o.(type) {
	case *widget.Button:
		if t.Text == text {
			return t
		}
	case *fyne.Container:
		for _, c := range t.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func labelContains(o fyne.CanvasObject, text string) bool {
	switch t := o.(type) {
	case *widget.Label:
		return strings.Contains(t.Text, text)
	case *fyne.Container:
		for _, c := range t.Objects {
			if labelContains(c, text) {
				return true
			}
		}
	}
	return false
}

func TestStartupErrorMovesABrokenFileAsideAndStartsFresh(t *testing.T) {
	a := test.NewTempApp(t)
	startOptions = testOptions()
	t.Cleanup(func() { startOptions = uiOptions{} })
	dir := t.TempDir()
	path := filepath.Join(dir, storage.FileName)
	junk := []byte("this is somebody's notes, not a database\n")
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := storage.Open(context.Background(), dir)
	if err == nil {
		t.Fatal("opening junk as a database must fail")
	}
	w := a.NewWindow("t")
	o := Options{DataDir: dir, Logger: applog.Discard()}
	ready := make(chan *UI, 1)
	content := startupError(w, o, err, func(u *UI) { ready <- u })
	w.SetContent(content)
	if !labelContains(content, path) {
		t.Fatal("the error does not name the file")
	}
	move := findButton(content, "Move it aside and start fresh")
	if move == nil {
		t.Fatal("no offer to move the file aside")
	}
	if b, _ := os.ReadFile(path); string(b) != string(junk) {
		t.Fatal("the file changed before the user agreed")
	}
	test.Tap(move)
	select {
	case u := <-ready:
		u.Close()
	case <-time.After(20 * time.Second):
		t.Fatal("the app did not open a fresh database")
	}
	moved, _ := filepath.Glob(path + ".broken-*")
	if len(moved) != 1 {
		t.Fatalf("moved files: %v", moved)
	}
	if b, _ := os.ReadFile(moved[0]); string(b) != string(junk) {
		t.Fatal("the moved file lost its content")
	}
}
