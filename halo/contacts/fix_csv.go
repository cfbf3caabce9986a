package contacts

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// PlanCSVHeader is the header of a saved fix plan (contacts fix --out, the
// preview's Save plan as CSV); contacts fix --plan reads it back.
var PlanCSVHeader = []string{"Contact ID", "Contact", "Client", "Field", "Old", "New", "Status"}

// PlanRow is one row of a saved plan: a change and its status ("planned"
// in a preview, or what a run made of it).
type PlanRow struct {
	Change
	Status string
}

// WritePlanCSV writes rows with the app's CSV rules (mapping.WriteCSVRow:
// UTF-8, CRLF, formula-safe cells). Writing the file atomically is the
// caller's.
func WritePlanCSV(w io.Writer, rows []PlanRow) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	mapping.WriteCSVRow(bw, PlanCSVHeader)
	cell := make([]string, len(PlanCSVHeader))
	for _, r := range rows {
		cell[0] = strconv.Itoa(r.ContactID)
		cell[1], cell[2], cell[3] = r.Contact, r.Client, string(r.Field)
		cell[4], cell[5], cell[6] = r.Old, r.New, r.Status
		mapping.WriteCSVRow(bw, cell)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the plan CSV: %w", err)
	}
	return nil
}

// maxPlanBytes bounds a plan file read back: far above the CSV of the
// largest plan the app makes.
const maxPlanBytes = 256 << 20

// PlanCSVError says why a saved plan was refused, line by line (at most
// the first maxPlanProblems); nothing of a refused plan is written.
type PlanCSVError struct {
	Problems []string // "line 7: …"
	More     int      // problems beyond those listed
}

const maxPlanProblems = 10

func (e *PlanCSVError) Error() string {
	s := "the plan was refused, nothing was written: " + strings.Join(e.Problems, "; ")
	if e.More > 0 {
		s += fmt.Sprintf("; and %d more", e.More)
	}
	return s
}

// ReadPlanCSV reads a plan saved by WritePlanCSV and checks every row
// against the app's own rule, so an edited file cannot write arbitrary
// text: the contact id must be a number above 0, the field one of the four
// own numbers, and New exactly what Rewrite makes of Old for region and f;
// each (contact, field) at most once. Rows may have been deleted (that is
// how an admin leaves changes out); Contact, Client and Status are not
// checked. Any bad row refuses the whole plan with a *PlanCSVError.
func ReadPlanCSV(r io.Reader, region string, f Format) ([]Change, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	if len(data) > maxPlanBytes {
		return nil, &PlanCSVError{Problems: []string{fmt.Sprintf("the file is larger than %d MiB", maxPlanBytes>>20)}}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	perr := &PlanCSVError{}
	problem := func(line int, format string, a ...any) {
		if len(perr.Problems) < maxPlanProblems {
			perr.Problems = append(perr.Problems, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, a...))
		} else {
			perr.More++
		}
	}
	head, err := cr.Read()
	if err != nil {
		return nil, &PlanCSVError{Problems: []string{"line 1: no header row " + strings.Join(PlanCSVHeader, ",") + " (" + csvReason(err) + ")"}}
	}
	if len(head) < 6 || !sameHeader(head[:6], PlanCSVHeader[:6]) {
		return nil, &PlanCSVError{Problems: []string{"line 1: the header is not " + strings.Join(PlanCSVHeader, ",") + ": is this a plan saved by contacts fix --out?"}}
	}
	region = strings.ToUpper(region)
	var out []Change
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			problem(line, "%s", csvReason(err))
			if !errors.As(err, &pe) {
				break
			}
			continue
		}
		if len(rec) < 6 {
			problem(line, "%d cells, the plan has at least 6", len(rec))
			continue
		}
		cell := func(i int) string { return unNeutralise(rec[i]) }
		id, err := strconv.Atoi(strings.TrimSpace(cell(0)))
		if err != nil || id <= 0 {
			problem(line, "Contact ID %q is not a contact's id", clip(cell(0)))
			continue
		}
		field := halo.ContactField(strings.TrimSpace(cell(3)))
		if !field.IsNumber() {
			problem(line, "Field %q is not one of phonenumber, homenumber, mobilenumber, mobilenumber2", clip(string(field)))
			continue
		}
		old, nw := cell(4), cell(5)
		want, ok := Rewrite(old, region, f)
		switch {
		case !ok:
			problem(line, "contact %d's %s: Old is not a number this app rewrites for region %s", id, field, region)
			continue
		case want == old:
			problem(line, "contact %d's %s: Old is already in the %s format, there is nothing to change", id, field, f)
			continue
		case nw != want:
			problem(line, "contact %d's %s: New is not what the app makes of Old (%s format, region %s)", id, field, f, region)
			continue
		}
		k := strconv.Itoa(id) + "|" + string(field)
		if first, dup := seen[k]; dup {
			problem(line, "contact %d's %s is planned twice (first on line %d)", id, field, first)
			continue
		}
		seen[k] = line
		out = append(out, Change{ContactID: id, Contact: cell(1), Client: cell(2), Field: field, Old: old, New: nw})
	}
	if len(perr.Problems) > 0 {
		return nil, perr
	}
	SortChanges(out)
	return out, nil
}

func sameHeader(got, want []string) bool {
	for i := range want {
		if !strings.EqualFold(strings.TrimSpace(got[i]), want[i]) {
			return false
		}
	}
	return true
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	if errors.Is(err, io.EOF) {
		return "the file is empty"
	}
	return err.Error()
}

// clip shortens a cell quoted in a problem.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// unNeutralise takes off the quote mapping.WriteCSVRow puts before a cell a
// spreadsheet would run as a formula (the rule of its export's reader):
// one leading "'" followed by a formula character or another quote.
func unNeutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r', '\'':
			return s[1:]
		}
	}
	return s
}
