//go:build unix

package storage

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Contacts are personal data: after an audit is stored (a large write that
// grows the WAL) the database, WAL and SHM are still 0600, whatever the umask.
func TestContactsStayOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	snap, sum := contactsSnap(p.ID, 5000, time.Now())
	must(t, db.ReplaceContacts(ctxBG, snap, sum))
	assertMode(t, db.Dir(), 0o700)
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		assertMode(t, filepath.Join(db.Dir(), name), 0o600)
	}
}
