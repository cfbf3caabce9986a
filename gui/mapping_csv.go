package gui

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// The Mapping screen's mappings files: the export dialog and the import's
// "what will change" dialog. The model writes and reads them
// (mapping_model_files.go).

// exportDialog asks how and where to write the mappings file.
type exportDialog struct {
	*saveDialog
	bom, unmapped *widget.Check
}

func (s *mappingScreen) showExport() {
	m := s.model
	if m.profile == nil {
		return
	}
	e := &exportDialog{}
	e.bom = widget.NewCheck("Excel-friendly (adds a byte order mark so Excel reads accents correctly)", nil)
	e.bom.SetChecked(true)
	e.unmapped = widget.NewCheck("Include unmapped users (with the agent columns empty)", nil)
	intro := fmt.Sprintf("Writes a CSV with one row per user: extension, 1stream name and email, Halo agent ID, "+
		"name and email, how it was matched and when. %s mapped (%d of them stale).",
		halo.CountOf(m.counts.Mapped+m.counts.Stale, "user is", "users are"), m.counts.Stale)
	e.saveDialog = s.u.showSaveDialog("Export mappings for upload", intro, "Export", fileSlug(m.profile.Name)+"-halo-mappings.csv",
		".csv", []fyne.CanvasObject{e.bom, e.unmapped}, func(path string, done func(error)) {
			m.exportTo(path, mapping.ExportOptions{BOM: e.bom.Checked, IncludeUnmapped: e.unmapped.Checked}, done)
		})
	s.exportDlg = e
}

// mappingImportDialog shows what a mappings file will change, and the rows
// that cannot be used (agent gone, user not found, …), before applying it.
type mappingImportDialog struct {
	d       *dialog.ConfirmDialog
	summary *widget.Label
	plan    *mappingImport
}

func (s *mappingScreen) showImportMappings() {
	if s.model.profile == nil {
		return
	}
	s.u.showOpenTable(s.u.showError, s.importMappingsFrom)
}

// importMappingsFrom reads a mappings file and asks before applying it.
// It closes rc.
func (s *mappingScreen) importMappingsFrom(name string, rc io.ReadCloser) {
	s.model.readMappingsFile(name, rc, s.confirmMappingImport)
}

func (s *mappingScreen) confirmMappingImport(mi *mappingImport) {
	md := &mappingImportDialog{plan: mi, summary: wrapped(mi.summary())}
	list := previewTable([]string{"Line", "Problem", "Row"}, []float32{60, 320, 300},
		func() int { return len(mi.problems) },
		func(row, col int) string { return rejectedCell(mi.problems[row], col) })
	var content fyne.CanvasObject = md.summary
	if len(mi.problems) > 0 {
		content = container.NewBorder(md.summary, nil, nil, nil, list)
	}
	md.d = dialog.NewCustomConfirm("Import mappings", "Apply", "Cancel", content, func(yes bool) {
		if yes {
			s.model.applyMappingImport(mi)
		}
	}, s.u.win)
	if len(mi.problems) > 0 {
		md.d.Resize(fyne.NewSize(760, 480))
	}
	md.d.Show()
	s.mapImportDlg = md
}
