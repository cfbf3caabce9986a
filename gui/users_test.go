package gui

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// cellText renders one cell of a preview table through its UpdateCell.
func cellText(tb *widget.Table, row, col int) string {
	o := tb.CreateCell()
	tb.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
	return o.(*widget.Label).Text
}

func TestUsersImportPreviewAndReimport(t *testing.T) {
	e := newMappingEnv(t, nil, nil)
	s := e.s
	test.Tap(s.importUsersBtn)
	d := s.importDlg
	if d == nil || !d.importBtn.Disabled() {
		t.Fatal("the import dialog must open with Import disabled")
	}
	pasted := "Extension\tName\tEmail\n" +
		"101\tAlice Example\talice@example.com\n" +
		"102\tBob Example\tbob@example.com\n" +
		"\tNo Keys\t\n" +
		"101\tAlice Again\talice2@example.com\n" +
		"103\tCarol Example\tnot-an-email\n" +
		"104\t" + strings.Repeat("x", 300) + "\td@example.com\n"
	test.Type(d.paste, pasted)
	test.Tap(d.previewBtn)
	e.wait()

	if len(d.plan.Preview.Accepted) != 2 {
		t.Fatalf("accepted %d rows: %+v", len(d.plan.Preview.Accepted), d.plan.Preview.Accepted)
	}
	wantLines := []int{4, 5, 6, 7}
	if len(d.plan.Preview.Rejected) != len(wantLines) {
		t.Fatalf("rejected %+v", d.plan.Preview.Rejected)
	}
	for i, line := range wantLines {
		if got := cellText(d.rejected, i, 0); got != strconv.Itoa(line) {
			t.Errorf("rejected row %d shows line %q, want %d", i, got, line)
		}
		if reason := cellText(d.rejected, i, 1); reason == "" {
			t.Errorf("line %d has no reason", line)
		}
	}
	reasons := strings.ToLower(strings.Join([]string{cellText(d.rejected, 0, 1), cellText(d.rejected, 1, 1),
		cellText(d.rejected, 2, 1), cellText(d.rejected, 3, 1)}, " | "))
	for _, want := range []string{"extension", "duplicate", "email", "long"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons %q do not mention %q", reasons, want)
		}
	}
	if got := cellText(d.accepted, 1, 2); got != "Bob Example" {
		t.Errorf("accepted table row 2 name = %q", got)
	}
	if !strings.Contains(d.summary.Text, "2 users will be imported") || !strings.Contains(d.summary.Text, "4 lines will not") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
	if d.rejectedTab.Text != "Will not be imported (4)" || d.acceptedTab.Text != "Will be imported (2)" {
		t.Fatalf("tabs %q / %q", d.acceptedTab.Text, d.rejectedTab.Text)
	}
	if d.importBtn.Disabled() || d.importBtn.Text != "Import 2 users" {
		t.Fatalf("import button %q disabled=%v", d.importBtn.Text, d.importBtn.Disabled())
	}
	test.Tap(d.importBtn)
	e.wait()
	if len(s.model.users) != 2 || !strings.Contains(s.status.Text, "2 added") {
		t.Fatalf("users %d, status %q", len(s.model.users), s.status.Text)
	}
	if s.counters.Text != "Mapped 0 / 2" {
		t.Fatalf("counters = %q", s.counters.Text)
	}

	// Re-importing updates by extension (or email) instead of duplicating.
	test.Tap(s.importUsersBtn)
	d = s.importDlg
	d.parseReader("users.csv", io.NopCloser(strings.NewReader(
		"Ext,Full Name,Email\r\n101,Alice Renamed,\r\n,Bobby,bob@example.com\r\n105,Eve,eve@example.com\r\n")))
	e.wait()
	if !strings.HasPrefix(d.summary.Text, "From users.csv: 3 users will be imported") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
	test.Tap(d.importBtn)
	e.wait()
	if len(s.model.users) != 3 || !strings.Contains(s.status.Text, "1 added, 2 updated") {
		t.Fatalf("re-import: %d users, status %q", len(s.model.users), s.status.Text)
	}
	if r := e.row(t, "101"); r.user.Name != "Alice Renamed" || r.user.Email != "alice@example.com" {
		t.Fatalf("re-import must update, keeping fields it does not give: %+v", r.user)
	}
}

func TestUsersImportLimits(t *testing.T) {
	e := newMappingEnv(t, nil, nil)
	s := e.s
	test.Tap(s.importUsersBtn)
	d := s.importDlg

	// Over 10 MB: a clear error, nothing to import, and the reader is not
	// drained (the parser stops at the limit).
	big := &countingReader{r: io.MultiReader(strings.NewReader("Extension,Name,Email\n"),
		bytes.NewReader(bytes.Repeat([]byte("101,Alice,a@example.com\n"), 600_000)))}
	d.parseReader("huge.csv", io.NopCloser(big))
	e.wait()
	if !d.importBtn.Disabled() || !strings.Contains(d.summary.Text, "10 MB") {
		t.Fatalf("too large: summary %q", d.summary.Text)
	}
	if d.summary.Importance != widget.DangerImportance {
		t.Fatal("the error must stand out")
	}
	if big.n > 11<<20 {
		t.Fatalf("read %d bytes of an oversized file", big.n)
	}

	// Over 100,000 rows.
	var b strings.Builder
	b.WriteString("Extension\n")
	for i := 0; i < 100_001; i++ {
		b.WriteString("1\n")
	}
	d.parseReader("rows.csv", io.NopCloser(strings.NewReader(b.String())))
	e.wait()
	if !d.importBtn.Disabled() || !strings.Contains(d.summary.Text, "100,000 rows") {
		t.Fatalf("too many rows: summary %q", d.summary.Text)
	}

	// Nothing pasted.
	test.Tap(d.previewBtn)
	if !strings.Contains(d.summary.Text, "Paste the cells first") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestUserAddEditDelete(t *testing.T) {
	snap := agentsSnapshot(2)
	e := newMappingEnv(t, usersList(1), &snap)
	s := e.s
	if !s.editUserBtn.Disabled() || !s.delUserBtn.Disabled() {
		t.Fatal("edit and delete need a selected user")
	}

	test.Tap(s.addUserBtn)
	ud := s.userDlg
	test.Type(ud.ext, "101") // taken
	test.Type(ud.name, "Zed")
	test.Tap(ud.ok)
	e.wait()
	if !ud.errMsg.Visible() || !strings.Contains(ud.errMsg.Text, "already") {
		t.Fatalf("duplicate extension: %q", ud.errMsg.Text)
	}
	ud.ext.SetText("")
	test.Tap(ud.ok)
	e.wait()
	if !strings.Contains(ud.errMsg.Text, "extension or an email") {
		t.Fatalf("no keys: %q", ud.errMsg.Text)
	}
	test.Type(ud.ext, "199")
	test.Tap(ud.ok)
	e.wait()
	if len(s.model.users) != 2 || s.model.sel.user != e.userID(t, "199") {
		t.Fatalf("added: %d users, selected %d", len(s.model.users), s.model.sel.user)
	}
	if len(e.audit(t, "user.added")) != 1 {
		t.Fatal("adding was not audited")
	}

	// Edit the new (selected) user.
	test.Tap(s.editUserBtn)
	ud = s.userDlg
	if ud.ext.Text != "199" || ud.name.Text != "Zed" {
		t.Fatalf("edit dialog starts with %q %q", ud.ext.Text, ud.name.Text)
	}
	ud.email.SetText("zed@example.com")
	test.Tap(ud.ok)
	e.wait()
	if r := e.row(t, "199"); r.user.Email != "zed@example.com" {
		t.Fatalf("edit: %+v", r.user)
	}

	// Delete a mapped user: it asks, and its mapping goes with it.
	s.assign(e.userID(t, "199"), 1)
	e.wait()
	s.model.selectUser(e.userID(t, "199"))
	test.Tap(s.delUserBtn)
	if s.confirm == nil || !strings.Contains(confirmText(s), "Agent 001") {
		t.Fatal("delete must ask and mention the mapping")
	}
	s.confirm.Confirm()
	e.wait()
	if len(s.model.users) != 1 || len(e.mappings(t)) != 0 || s.model.sel.user != 0 {
		t.Fatalf("after delete: %d users, %d mappings, selected %d", len(s.model.users), len(e.mappings(t)), s.model.sel.user)
	}
	if s.counters.Text != "Mapped 0 / 1" {
		t.Fatalf("counters = %q", s.counters.Text)
	}
}

// confirmText is the message of the screen's open confirmation.
func confirmText(s *mappingScreen) string {
	var text []string
	for _, o := range s.u.win.Canvas().Overlays().List() {
		walkCanvas(o, func(o fyne.CanvasObject) bool {
			if l, ok := o.(*widget.Label); ok {
				text = append(text, l.Text)
			}
			return false
		})
	}
	return strings.Join(text, "\n")
}

func TestUsersImportStorageRefusalNamesTheLine(t *testing.T) {
	e := newMappingEnv(t, nil, nil)
	s := e.s
	test.Tap(s.importUsersBtn)
	d := s.importDlg
	// Storage refuses an extension with a space inside; the preview may
	// already reject it, otherwise the failed import must name the line.
	d.parseReader("spaced.csv", io.NopCloser(strings.NewReader("Extension,Name\r\n101,Ann\r\n1 02,Bob\r\n")))
	e.wait()
	for _, r := range d.plan.Preview.Rejected {
		if r.Line == 3 {
			return
		}
	}
	test.Tap(d.importBtn)
	e.wait()
	if !strings.Contains(d.summary.Text, "Nothing was imported: line 3:") || len(s.model.users) != 0 {
		t.Fatalf("summary = %q, users = %d", d.summary.Text, len(s.model.users))
	}
	if d.importBtn.Disabled() {
		t.Fatal("after a refused import the user can fix the file and try again")
	}
}

func TestUsersImportRefusesRowsThatConflictWithStoredUsers(t *testing.T) {
	e := newMappingEnv(t, []mapping.User{
		{Extension: "101", Name: "Alice", Email: "alice@example.com"},
		{Extension: "102", Name: "Bob", Email: "bob@example.com"},
		{Extension: "103", Name: "Carol", Email: "carol@example.com"},
	}, nil)
	s := e.s
	test.Tap(s.importUsersBtn)
	d := s.importDlg
	d.parseReader("team.csv", io.NopCloser(strings.NewReader("Extension,Name,Email\r\n"+
		"101,Al,carol@example.com\r\n"+ // line 2: Alice's extension, Carol's email
		"102,Bobby,\r\n"+ // line 3: updates Bob
		",Robert,bob@example.com\r\n"+ // line 4: Bob again, by email
		"104,Dan,dan@example.com\r\n"))) // line 5: new
	e.wait()
	if got := []int{d.plan.Preview.Accepted[0].Line, d.plan.Preview.Accepted[1].Line}; len(d.plan.Preview.Accepted) != 2 || got[0] != 3 || got[1] != 5 {
		t.Fatalf("accepted %+v", d.plan.Preview.Accepted)
	}
	if len(d.plan.Preview.Rejected) != 2 || cellText(d.rejected, 0, 0) != "2" || cellText(d.rejected, 1, 0) != "4" {
		t.Fatalf("rejected %+v", d.plan.Preview.Rejected)
	}
	if r := cellText(d.rejected, 0, 1); !strings.Contains(r, "belongs to") {
		t.Errorf("line 2 reason = %q", r)
	}
	if r := cellText(d.rejected, 1, 1); !strings.Contains(r, "line 3") {
		t.Errorf("line 4 reason = %q", r)
	}
	if cellText(d.rejected, 1, 2) == "" {
		t.Error("a refused row shows what it contained")
	}
	if got := cellText(d.accepted, 0, 4); !strings.Contains(got, "updates") || !strings.Contains(got, "Bob") {
		t.Errorf("line 3 is stored as %q", got)
	}
	if got := cellText(d.accepted, 1, 4); got != "new user" {
		t.Errorf("line 5 is stored as %q", got)
	}
	if !strings.Contains(d.summary.Text, "2 users will be imported (1 new, 1 updating stored users); 2 lines will not") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
	// The rest imports instead of storage refusing the whole file.
	test.Tap(d.importBtn)
	e.wait()
	if !strings.Contains(s.status.Text, "1 added, 1 updated") || len(s.model.users) != 4 {
		t.Fatalf("status %q, %d users", s.status.Text, len(s.model.users))
	}
	if r := e.row(t, "102"); r.user.Name != "Bobby" {
		t.Fatalf("Bob = %+v", r.user)
	}
	if r := e.row(t, "101"); r.user.Name != "Alice" || r.user.Email != "alice@example.com" {
		t.Fatalf("Alice was changed by a refused row: %+v", r.user)
	}
}

func TestEscClosesTheUserDialogsWhileTyping(t *testing.T) {
	e := newMappingEnv(t, usersList(1), nil)
	s := e.s
	c := e.win.Canvas()
	test.Tap(s.addUserBtn)
	test.Type(s.userDlg.ext, "10")
	focused, ok := c.Focused().(fyne.Focusable)
	if !ok || focused == nil {
		t.Fatal("the Add user dialog focuses its first field")
	}
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc in the Add user dialog must close it")
	}
	s.model.selectUser(e.userID(t, "101"))
	test.Tap(s.editUserBtn)
	c.Focus(s.userDlg.email)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc in the Edit user dialog must close it")
	}

	test.Tap(s.importUsersBtn)
	c.Focus(s.importDlg.paste)
	test.Type(s.importDlg.paste, "Extension\tName")
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc in the paste box must close the Import users dialog")
	}
	if len(s.model.users) != 1 {
		t.Fatal("Esc imported or added something")
	}
}

func TestUsersImportPreviewNamesUnchangedRows(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	s.showImportUsers()
	d := s.importDlg
	// 101 as stored, 102 renamed, 110 new.
	d.paste.SetText("Extension\tName\tEmail\n" +
		"101\tUser 001\tuser001@contoso.example\n" +
		"102\tUser Two\tuser002@contoso.example\n" +
		"110\tNew User\tnew@contoso.example\n")
	d.previewPaste()
	e.wait()
	if !strings.Contains(d.summary.Text, "(1 new, 1 updating stored users, 1 unchanged)") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
	want := []string{"unchanged", "updates Ext. 102 User 002", "new user"}
	for row, w := range want {
		if got := cellText(d.accepted, row, 4); got != w {
			t.Errorf("row %d: %q, want %q", row, got, w)
		}
	}
	d.doImport()
	e.wait()
	if !strings.Contains(s.status.Text, "1 added, 1 updated, 1 unchanged") {
		t.Fatalf("the import counted differently from its preview: %q", s.status.Text)
	}
}
