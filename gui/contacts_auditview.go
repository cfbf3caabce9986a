package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// auditView is the Contacts screen's Audit contacts and Cancel, the pull's
// progress while the audit runs (a job over auditRunner), and what went
// wrong with the way to its fix.
type auditView struct {
	runner    auditRunner
	job       job
	auditBtn  *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	progress  *widget.Label
	waitNote  *widget.Label
	errMsg    *widget.Label
	fixBtn    *widget.Button
	// status stacks the progress, the wait and the error.
	status *fyne.Container
}

// newAuditView runs audit on Audit contacts and fix on the error's
// checklist button.
func newAuditView(runner auditRunner, audit, fix func()) *auditView {
	v := &auditView{runner: runner}
	v.auditBtn = widget.NewButtonWithIcon("Audit contacts (F5)", theme.ViewRefreshIcon(), audit)
	v.auditBtn.Importance = widget.HighImportance
	v.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), v.job.Cancel)
	v.cancelBtn.Hide()
	v.bar = widget.NewProgressBar()
	v.bar.Hide()
	v.progress = wrapped("")
	v.progress.Hide()
	v.waitNote = wrapped("")
	v.waitNote.Importance = widget.WarningImportance
	v.waitNote.Hide()
	v.errMsg = wrapped("")
	v.errMsg.Importance = widget.DangerImportance
	v.errMsg.Hide()
	v.fixBtn = widget.NewButtonWithIcon("Show the checklist step", theme.NavigateNextIcon(), fix)
	v.fixBtn.Hide()
	v.status = container.NewVBox(v.bar, v.progress, v.waitNote, container.NewBorder(nil, nil, nil, v.fixBtn, v.errMsg))
	return v
}

func (v *auditView) running() bool { return v.job.running }

// buttons are Cancel and Audit contacts, side by side.
func (v *auditView) buttons() fyne.CanvasObject { return container.NewHBox(v.cancelBtn, v.auditBtn) }

// start audits p for region off the UI goroutine, with progress and
// Cancel; done hears the outcome on the UI goroutine.
func (v *auditView) start(u *UI, p storage.Profile, region contacts.Region, done func(auditResult, error)) {
	v.clearError()
	v.waitNote.Hide()
	v.bar.SetValue(0)
	v.bar.Show()
	v.progress.SetText("Reading the Client Secret and signing in …")
	v.progress.Show()
	v.cancelBtn.Show()
	v.auditBtn.Disable()
	startJob(u, &v.job, jobSpec[auditProgress, auditResult]{
		work: func(ctx context.Context, report func(func(*auditProgress))) (auditResult, error) {
			return v.runner.run(ctx, p, region, report)
		},
		show: v.showProgress,
		done: func(r auditResult, err error, _ time.Duration) {
			v.cancelBtn.Hide()
			v.bar.Hide()
			v.progress.Hide()
			v.waitNote.Hide()
			done(r, err)
		},
	})
}

// showProgress shows the newest progress of the running audit.
func (v *auditView) showProgress(p auditProgress, took time.Duration) {
	if p.wait != "" {
		v.waitNote.SetText(p.wait + " Cancel stops the audit.")
		v.waitNote.Show()
	} else {
		v.waitNote.Hide()
	}
	if p.pulled {
		v.bar.SetValue(pullFraction(p.pull))
		v.progress.SetText(pullText(p.pull, took))
	}
}

// fail says why the audit failed and, when the checklist fixes it, offers
// the way there.
func (v *auditView) fail(err error) {
	text, step := auditFailure(err)
	v.errMsg.SetText(text)
	v.errMsg.Show()
	show(v.fixBtn, step)
}

func (v *auditView) clearError() {
	v.errMsg.Hide()
	v.fixBtn.Hide()
}
