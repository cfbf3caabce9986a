//go:build windows

package owneronly

import (
	"errors"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mkdirPrivate creates dir (its parents as usual) with a protected DACL
// that grants the current user alone full control, inherited by the files
// and folders made in it: the parent's entries (under C:\ProgramData every
// local user may read) do not reach it. An existing dir is left as it is.
func mkdirPrivate(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return errors.New("it exists and is not a folder")
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	user, err := currentUser()
	if err != nil {
		return err
	}
	// P: protected (no inherited entries); OICI: files and folders inherit
	// it; FA: full access.
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;" + user.String() + ")")
	if err != nil {
		return err
	}
	sa := &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	if err := windows.CreateDirectory(p, sa); err != nil && !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		return err
	}
	return nil
}

func currentUser() (*windows.SID, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return tu.User.Sid.Copy()
}

// readAccess are the access rights that let someone read a file's content
// or list a folder.
const readAccess = windows.FILE_READ_DATA | windows.GENERIC_READ | windows.GENERIC_ALL | windows.MAXIMUM_ALLOWED

// OpenToOthers names the accounts other than the current user, SYSTEM and
// the Administrators group (who can take any file anyway) that dir's DACL
// lets read it or the files in it; "Everyone" when it has no DACL at all.
// Nil means the directory is private.
func OpenToOthers(dir string) ([]string, error) {
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return nil, err
	}
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || err == nil && dacl == nil {
		return []string{"Everyone"}, nil // no DACL: no restriction
	}
	if err != nil {
		return nil, err
	}
	user, err := currentUser()
	if err != nil {
		return nil, err
	}
	trusted := []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid, windows.WinCreatorOwnerSid, windows.WinCreatorOwnerRightsSid}
	var others []string
	seen := map[string]bool{}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return nil, err
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Mask&readAccess == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if sid.Equals(user) || isAny(sid, trusted) {
			continue
		}
		name := sid.String()
		if account, domain, _, err := sid.LookupAccount(""); err == nil {
			name = account
			if domain != "" {
				name = domain + `\` + account
			}
		}
		if !seen[name] {
			seen[name] = true
			others = append(others, name)
		}
	}
	return others, nil
}

func isAny(sid *windows.SID, types []windows.WELL_KNOWN_SID_TYPE) bool {
	for _, t := range types {
		if sid.IsWellKnown(t) {
			return true
		}
	}
	return false
}
