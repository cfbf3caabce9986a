package mapping

import (
	"testing"
)

// The users-import preview both front-ends show.
func TestPlanUsersImport(t *testing.T) {
	existing := []User{
		{ID: 1, Extension: "201", Name: "Alice", Email: "alice@x.com"},
		{ID: 2, Extension: "202", Name: "Bob", Email: "bob@x.com"},
	}
	row := func(line int, ext, name, email string) ImportRow {
		return ImportRow{Line: line, User: User{Extension: ext, Name: name, Email: email}}
	}
	for _, tc := range []struct {
		name                    string
		rows                    []ImportRow
		parserRejected          []Rejected
		accepted                []int // lines
		changes                 []RowChange
		rejected                []int // lines, sorted
		newN, updated, unchanged int
	}{
		{"empty", nil, nil, nil, nil, nil, 0, 0, 0},
		{"new, updated, unchanged",
			[]ImportRow{row(2, "203", "Cat", ""), row(3, "201", "Alice B", ""), row(4, "202", "Bob", "bob@x.com")}, nil,
			[]int{2, 3, 4}, []RowChange{RowNew, RowUpdates, RowUnchanged}, nil, 1, 1, 1},
		{"extension of one, email of another",
			[]ImportRow{row(2, "201", "", "bob@x.com"), row(3, "204", "Dan", "")}, []Rejected{{Line: 5, Reason: "bad"}},
			[]int{3}, []RowChange{RowNew}, []int{2, 5}, 1, 0, 0},
		{"two rows update one user",
			[]ImportRow{row(2, "201", "A1", ""), row(3, "", "A2", "alice@x.com")}, nil,
			[]int{2}, []RowChange{RowUpdates}, []int{3}, 0, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanUsersImport(Preview{Accepted: tc.rows, Rejected: tc.parserRejected}, existing)
			if p.New != tc.newN || p.Updated != tc.updated || p.Unchanged != tc.unchanged {
				t.Fatalf("counts new %d updated %d unchanged %d", p.New, p.Updated, p.Unchanged)
			}
			if len(p.Preview.Accepted) != len(tc.accepted) || len(p.Rows) != len(tc.accepted) {
				t.Fatalf("accepted %+v rows %+v", p.Preview.Accepted, p.Rows)
			}
			for i, l := range tc.accepted {
				if p.Preview.Accepted[i].Line != l || p.Rows[i].Change != tc.changes[i] {
					t.Fatalf("row %d: line %d change %v, want %d %v", i, p.Preview.Accepted[i].Line, p.Rows[i].Change, l, tc.changes[i])
				}
			}
			if len(p.Preview.Rejected) != len(tc.rejected) {
				t.Fatalf("rejected %+v", p.Preview.Rejected)
			}
			for i, l := range tc.rejected {
				if r := p.Preview.Rejected[i]; r.Line != l || r.Reason == "" || (l != 5 && r.Raw == "") {
					t.Fatalf("rejected %d: %+v, want line %d with reason and raw", i, r, l)
				}
			}
		})
	}
}
