package gui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Saving files. Fyne's save dialog is not used: it creates the chosen file
// — truncating an existing one — before it hands it to the app, so a write
// that then fails would leave the admin's previous export empty. Instead
// the admin picks a folder (typed, or with the folder dialog) and a file
// name, and the file is written to a temporary file in that folder and
// renamed over the target only once it is complete.

// saveDialog asks where to save a file. extra (options such as the CSV
// flavour) is shown above the location.
type saveDialog struct {
	u      *UI
	d      *dialog.CustomDialog
	folder *escEntry
	name   *escEntry
	browse *widget.Button
	errMsg *widget.Label
	save   *widget.Button
	// confirm is the "Replace the file?" question, kept for tests.
	confirm *dialog.ConfirmDialog
	// ext is added to a file name typed without an extension.
	ext    string
	onSave func(path string, done func(error))
	open   bool
}

// showSaveDialog opens the dialog; onSave runs with the chosen path once
// the admin agreed to replace an existing file, and calls done when the
// file is written (or failed: the dialog then stays open with the reason,
// the name as typed). ext (".csv") is added to a name without one.
func (u *UI) showSaveDialog(title, intro, saveText, fileName, ext string, extra []fyne.CanvasObject,
	onSave func(path string, done func(error))) *saveDialog {
	sd := &saveDialog{u: u, folder: newEscEntry(), name: newEscEntry(), errMsg: wrapped(""), ext: ext, onSave: onSave}
	sd.folder.SetText(u.saveFolder())
	sd.folder.SetPlaceHolder("Folder")
	sd.name.SetText(fileName)
	sd.name.SetPlaceHolder("File name")
	sd.errMsg.Importance = widget.DangerImportance
	sd.errMsg.Hide()
	sd.browse = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), sd.chooseFolder)
	sd.save = widget.NewButtonWithIcon(saveText, theme.DocumentSaveIcon(), sd.submit)
	sd.save.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", nil)
	sd.name.OnSubmitted = func(string) { sd.submit() }
	sd.folder.OnSubmitted = func(string) { sd.submit() }

	form := widget.NewForm(
		widget.NewFormItem("Folder", container.NewBorder(nil, nil, nil, sd.browse, sd.folder)),
		widget.NewFormItem("File name", sd.name))
	items := []fyne.CanvasObject{}
	if intro != "" {
		items = append(items, wrapped(intro))
	}
	items = append(items, extra...)
	items = append(items, form, sd.errMsg)
	sd.d = dialog.NewCustomWithoutButtons(title, container.NewVBox(items...), u.win)
	cancel.OnTapped = sd.d.Hide
	sd.folder.onEsc, sd.name.onEsc = sd.d.Hide, sd.d.Hide
	sd.d.SetButtons([]fyne.CanvasObject{cancel, sd.save})
	sd.d.SetOnClosed(func() { sd.open = false })
	sd.d.Resize(fyne.NewSize(620, 200))
	sd.open = true
	sd.d.Show()
	u.escapable(sd.d.Hide)
	u.win.Canvas().Focus(sd.name)
	// The proposed name is selected, so typing replaces it.
	sd.name.TypedShortcut(&fyne.ShortcutSelectAll{})
	return sd
}

// saveFolder is the folder the last save went to, else Documents, else the
// home folder.
func (u *UI) saveFolder() string {
	if u.lastSaveDir != "" {
		return u.lastSaveDir
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}

func (sd *saveDialog) chooseFolder() {
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			sd.fail(err.Error())
			return
		}
		if dir != nil {
			sd.folder.SetText(dir.Path())
		}
	}, sd.u.win)
	if l, err := fynestorage.ListerForURI(fynestorage.NewFileURI(strings.TrimSpace(sd.folder.Text))); err == nil {
		fd.SetLocation(l)
	}
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}

func (sd *saveDialog) fail(msg string) {
	sd.errMsg.SetText(msg)
	sd.errMsg.Show()
}

// submit checks the location, asks before replacing a file and saves. The
// dialog closes, and the next save starts in the same folder, only once
// the file is written.
func (sd *saveDialog) submit() {
	path, problem := savePath(sd.folder.Text, sd.name.Text, sd.ext)
	if problem != "" {
		sd.fail(problem)
		return
	}
	sd.errMsg.Hide()
	save := func() {
		sd.save.Disable()
		sd.onSave(path, func(err error) {
			sd.save.Enable()
			if err != nil {
				msg := "Not saved (an existing file of that name is unchanged): " + err.Error()
				if !sd.open {
					sd.u.showError("Saving "+filepath.Base(path)+" failed (an existing file of that name is unchanged)", err)
					return
				}
				sd.fail(msg)
				return
			}
			sd.u.lastSaveDir = filepath.Dir(path)
			sd.d.Hide()
		})
	}
	if _, err := os.Stat(path); err == nil {
		sd.confirm = dialog.NewConfirm("Replace the file?",
			fmt.Sprintf("%s already exists in %s.\n\nReplace it? The old file stays as it is until the new one is complete.",
				filepath.Base(path), filepath.Dir(path)),
			func(ok bool) {
				if ok {
					save()
				}
			}, sd.u.win)
		sd.confirm.SetConfirmText("Replace")
		sd.confirm.Show()
		sd.u.escapable(sd.confirm.Dismiss)
		return
	}
	save()
}

// savePath joins a typed folder and file name, adding ext to a name that
// has no extension; problem, when not empty, says what to correct. A
// folder starting with "~" is in the home folder; other relative folders
// are refused (relative to what the app was started in, they would land
// somewhere unexpected).
func savePath(folder, name, ext string) (path, problem string) {
	folder, name = strings.TrimSpace(folder), strings.TrimSpace(name)
	switch {
	case folder == "":
		return "", "Choose the folder to save in."
	case name == "" || name == "." || name == "..":
		return "", "Enter a file name."
	case strings.ContainsAny(name, `/\`):
		return "", "The file name must not contain / or \\: choose the folder above."
	}
	if folder == "~" || strings.HasPrefix(folder, "~/") || strings.HasPrefix(folder, "~"+string(filepath.Separator)) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "Your home folder is unknown: enter the full path of the folder."
		}
		folder = filepath.Join(home, folder[1:])
	}
	if !filepath.IsAbs(folder) {
		return "", "Enter the full path of the folder (such as " + exampleFolder() + "), or use Choose…."
	}
	if ext != "" && !hasExtension(name) {
		name += ext
	}
	fi, err := os.Stat(folder)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", "The folder " + folder + " does not exist."
	case err != nil:
		return "", err.Error()
	case !fi.IsDir():
		return "", folder + " is not a folder."
	}
	path = filepath.Join(folder, name)
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return "", path + " exists and is not a file."
	}
	return path, ""
}

// hasExtension reports whether name ends in something like ".csv": a dot
// and one to five letters or digits, at least one a letter ("v1.2" has
// none).
func hasExtension(name string) bool {
	ext := filepath.Ext(name)
	if len(ext) < 2 || len(ext) > 6 || ext == name {
		return false
	}
	letter := false
	for _, r := range ext[1:] {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return letter
}

// exampleFolder is a full folder path for messages: the home folder.
func exampleFolder() string {
	if home, err := os.UserHomeDir(); err == nil {
		return home
	}
	return string(filepath.Separator)
}

// showOpenTable asks for a table file (CSV, TSV or text). open gets the
// chosen file's name and contents and closes them; fail hears why a file
// could not be opened. Cancelling calls neither.
func (u *UI) showOpenTable(fail func(prefix string, err error), open func(name string, rc io.ReadCloser)) {
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			fail("The file could not be opened", err)
			return
		}
		if rc == nil {
			return // cancelled
		}
		open(rc.URI().Name(), rc)
	}, u.win)
	fd.SetFilter(fynestorage.NewExtensionFileFilter([]string{".csv", ".tsv", ".txt"}))
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}

// fileSlug is a profile name as part of a suggested file name, for every
// file the GUI saves: lower case letters and digits (any script), runs of
// anything else one "-", so the name needs no quoting in a shell, a URL
// or a ticket; "profile" when nothing is left.
func fileSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	if slug := strings.Trim(b.String(), "-"); slug != "" {
		return slug
	}
	return "profile"
}
