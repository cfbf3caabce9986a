package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// dragSource is a draggable row of the agent list. item is set by the
// list's UpdateItem, since rows are recycled.
type dragSource struct {
	widget.BaseWidget
	content fyne.CanvasObject
	item    int
	m       *dragManager
}

func newDragSource(m *dragManager, content fyne.CanvasObject) *dragSource {
	s := &dragSource{content: content, m: m, item: -1}
	s.ExtendBaseWidget(s)
	return s
}

func (s *dragSource) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

func (s *dragSource) Dragged(ev *fyne.DragEvent) { s.m.dragged(s, ev) }

func (s *dragSource) DragEnd() { s.m.dragEnd() }

func (s *dragSource) Cursor() desktop.Cursor { return desktop.PointerCursor }

// Compile-time check: dragSource is a Fyne widget.
var _ fyne.Widget = (*dragSource)(nil)
