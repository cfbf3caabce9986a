package contacts

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// CSVHeader is the header row of an audit's CSV (stable: admins' sheets
// and the CLI's --out rely on it).
var CSVHeader = []string{"Problem", "Contact ID", "Contact", "Client", "Site", "Numbers", "Halo Link"}

// WriteCSV writes the audit's findings as CSV, one row per contact and
// problem in the audit's order, with the mapping export's rules (UTF-8,
// CRLF, formula-safe cells: mapping.WriteCSVRow). Numbers are the
// finding's numbers as stored in Halo, joined with "; "; Halo Link opens
// the contact in inst. Writing the file atomically is the caller's.
func WriteCSV(w io.Writer, a Audit, inst halo.Instance) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	mapping.WriteCSVRow(bw, CSVHeader)
	row := make([]string, len(CSVHeader))
	for _, f := range a.Findings {
		row[0] = string(f.Problem)
		row[1] = strconv.Itoa(f.ContactID)
		row[2], row[3], row[4] = f.Contact, f.Client, f.Site
		row[5] = strings.Join(f.Numbers, "; ")
		row[6] = ContactLink(inst, f.ContactID)
		mapping.WriteCSVRow(bw, row)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the contacts CSV: %w", err)
	}
	return nil
}
