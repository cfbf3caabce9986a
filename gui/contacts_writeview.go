package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

// writeView is a write to Halo's contacts while it runs and once it ended,
// for the fix, undo and edit dialogs alike: the bar, batches and time
// left, the pacing note, Cancel, then the outcome, the changes it did not
// write and the checklist step that fixes a failure.
type writeView struct {
	job       job
	bar       *widget.ProgressBar
	progress  *widget.Label
	waitNote  *widget.Label
	cancelBtn *widget.Button
	outcome   *widget.Label
	details   *widget.Label
	detailBox *fyne.Container
	stepBtn   *widget.Button
	step      string
	box       *fyne.Container
	// relayout lays out the dialog around box again once lines came, went
	// or grew (containers lay out on Refresh only).
	relayout func()
}

// newWriteView shows a failure's checklist step with goToStep; relayout
// lays out the dialog around it again.
func newWriteView(goToStep func(step string), relayout func()) *writeView {
	v := &writeView{bar: widget.NewProgressBar(), progress: wrapped(""), waitNote: wrapped(""), outcome: wrapped(""), details: wrapped(""),
		relayout: relayout}
	v.waitNote.Importance = widget.WarningImportance
	v.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), v.job.Cancel)
	v.stepBtn = widget.NewButtonWithIcon("Show the checklist step", theme.NavigateNextIcon(), func() { goToStep(v.step) })
	scroll := container.NewVScroll(v.details)
	scroll.SetMinSize(fyne.NewSize(0, 110))
	v.detailBox = container.NewStack(scroll)
	v.box = container.NewVBox(v.bar, v.progress, v.waitNote, container.NewHBox(v.cancelBtn), v.outcome, v.detailBox,
		container.NewHBox(v.stepBtn))
	v.reset()
	return v
}

// reset hides everything: no write has run.
func (v *writeView) reset() {
	for _, o := range []fyne.CanvasObject{v.bar, v.progress, v.waitNote, v.cancelBtn, v.outcome, v.detailBox, v.stepBtn} {
		o.Hide()
	}
}

func (v *writeView) running() bool { return v.job.running }

// runWrite runs work as v's job with progress and Cancel; done hears the
// outcome on the UI goroutine. It does nothing while v runs.
func runWrite[T any](u *UI, v *writeView, work func(ctx context.Context, report func(func(*storage.FixProgress))) (T, error),
	done func(T, error)) {
	if v.running() {
		return
	}
	v.reset()
	v.bar.SetValue(0)
	v.showProgress(storage.FixProgress{}, 0)
	v.bar.Show()
	v.progress.Show()
	v.cancelBtn.Show()
	v.relayout()
	startJob(u, &v.job, jobSpec[storage.FixProgress, T]{
		work: work,
		show: v.showProgress,
		done: func(r T, err error, _ time.Duration) {
			v.bar.Hide()
			v.cancelBtn.Hide()
			v.waitNote.Hide()
			v.progress.Hide()
			done(r, err)
		},
	})
}

// showProgress shows the newest progress of the running write.
func (v *writeView) showProgress(p storage.FixProgress, _ time.Duration) {
	frac, text, wait := writeProgressText(p)
	v.bar.SetValue(frac)
	v.progress.SetText(text)
	setOptional(v.waitNote, wait)
	v.relayout()
}

// finish shows how a write ended.
func (v *writeView) finish(o writeOutcome) {
	v.outcome.Importance = map[outcomeLevel]widget.Importance{outcomeDone: widget.SuccessImportance,
		outcomePartial: widget.WarningImportance, outcomeFailed: widget.DangerImportance}[o.level]
	setOptional(v.outcome, o.text)
	v.details.SetText(o.details)
	show(v.detailBox, o.details != "")
	v.step = o.step
	show(v.stepBtn, o.step != "")
	v.relayout()
}
