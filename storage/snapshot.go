package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Run kinds.
const (
	RunCheck = "check"
	RunSync  = "sync"
)

// Run is one systems check or sync in a profile's history. Report is JSON
// produced by the caller and opaque to storage.
type Run struct {
	ID            int64
	ProfileID     int64
	Kind          string // RunCheck, RunSync, RunContactsFix or RunContactsUndo
	StartedAt     time.Time
	Duration      time.Duration
	OK            bool
	Summary       string
	Agents        int
	Teams         int
	Departments   int
	Organisations int
	Report        []byte
}

// ReplaceSnapshot replaces the profile's stored agents, teams, departments
// and organisations with snap in one transaction: on any error (for example
// two agents with the same ID) the previous snapshot is left as it was.
func (db *DB) ReplaceSnapshot(ctx context.Context, profileID int64, snap halo.Snapshot, pulledAt time.Time) error {
	if pulledAt.IsZero() {
		pulledAt = time.Now()
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, profileID); err != nil {
			return err
		}
		for _, table := range []string{"agents", "teams", "departments", "organisations"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE profile_id = ?", profileID); err != nil {
				return err
			}
		}
		if err := insertAgents(ctx, tx, profileID, snap.Agents); err != nil {
			return err
		}
		if err := insertTeams(ctx, tx, profileID, snap.Teams); err != nil {
			return err
		}
		if err := insertIDNames(ctx, tx, "departments", profileID, len(snap.Departments), func(i int) (int, string) {
			return snap.Departments[i].ID, snap.Departments[i].Name
		}); err != nil {
			return err
		}
		if err := insertIDNames(ctx, tx, "organisations", profileID, len(snap.Organisations), func(i int) (int, string) {
			return snap.Organisations[i].ID, snap.Organisations[i].Name
		}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO snapshots (profile_id, pulled_at) VALUES (?, ?)
			ON CONFLICT (profile_id) DO UPDATE SET pulled_at = excluded.pulled_at`, profileID, fmtTime(pulledAt))
		return err
	})
}

// jsonList encodes a membership list; an empty list is stored as an empty string.
func jsonList[T any](list []T) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}

func insertAgents(ctx context.Context, tx *sql.Tx, profileID int64, agents []halo.Agent) error {
	if len(agents) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO agents (profile_id, id, pos, name, firstname, surname, email, team,
		teams, departments, is_disabled, is_api_agent, extension, job_title)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, a := range agents {
		teams, err := jsonList(a.Teams)
		if err != nil {
			return err
		}
		depts, err := jsonList(a.Departments)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, profileID, a.ID, i, a.Name, a.FirstName, a.Surname, a.Email, a.Team,
			teams, depts, boolInt(a.IsDisabled), boolInt(a.IsAPIAgent), a.Extension, a.JobTitle); err != nil {
			return fmt.Errorf("agent %d (%q): %w", a.ID, a.Name, err)
		}
	}
	return nil
}

func insertTeams(ctx context.Context, tx *sql.Tx, profileID int64, teams []halo.Team) error {
	if len(teams) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO teams (profile_id, id, pos, name, department_id, department_name, inactive)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, t := range teams {
		if _, err := stmt.ExecContext(ctx, profileID, t.ID, i, t.Name, t.DepartmentID, t.DepartmentName, boolInt(t.Inactive)); err != nil {
			return fmt.Errorf("team %d (%q): %w", t.ID, t.Name, err)
		}
	}
	return nil
}

// insertIDNames fills departments or organisations (table is a constant).
func insertIDNames(ctx context.Context, tx *sql.Tx, table string, profileID int64, n int, get func(int) (int, string)) error {
	if n == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" (profile_id, id, pos, name) VALUES (?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := 0; i < n; i++ {
		id, name := get(i)
		if _, err := stmt.ExecContext(ctx, profileID, id, i, name); err != nil {
			return fmt.Errorf("%s %d (%q): %w", table, id, name, err)
		}
	}
	return nil
}

// Snapshot returns the profile's stored snapshot (records in the order they
// were stored) and when it was pulled; pulledAt is zero and the lists empty
// if it was never pulled.
func (db *DB) Snapshot(ctx context.Context, profileID int64) (halo.Snapshot, time.Time, error) {
	snap := halo.Snapshot{
		Agents:        []halo.Agent{},
		Teams:         []halo.Team{},
		Departments:   []halo.Department{},
		Organisations: []halo.Organisation{},
	}
	var pulledAt time.Time
	err := db.readTx(ctx, func(q querier) error {
		if _, err := getProfile(ctx, q, profileID); err != nil {
			return err
		}
		var at string
		err := q.QueryRowContext(ctx, "SELECT pulled_at FROM snapshots WHERE profile_id = ?", profileID).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		pulledAt = parseTime(at)

		if snap.Agents, err = readAgents(ctx, q, profileID); err != nil {
			return err
		}
		if snap.Teams, err = readTeams(ctx, q, profileID); err != nil {
			return err
		}
		if err := readIDNames(ctx, q, "departments", profileID, func(id int, name string) {
			snap.Departments = append(snap.Departments, halo.Department{ID: id, Name: name})
		}); err != nil {
			return err
		}
		return readIDNames(ctx, q, "organisations", profileID, func(id int, name string) {
			snap.Organisations = append(snap.Organisations, halo.Organisation{ID: id, Name: name})
		})
	})
	if err != nil {
		return halo.Snapshot{}, time.Time{}, err
	}
	return snap, pulledAt, nil
}

func readAgents(ctx context.Context, q querier, profileID int64) ([]halo.Agent, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, firstname, surname, email, team, teams, departments,
		is_disabled, is_api_agent, extension, job_title FROM agents WHERE profile_id = ? ORDER BY pos`, profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []halo.Agent{}
	for rows.Next() {
		var a halo.Agent
		var teams, depts string
		if err := rows.Scan(&a.ID, &a.Name, &a.FirstName, &a.Surname, &a.Email, &a.Team, &teams, &depts,
			&a.IsDisabled, &a.IsAPIAgent, &a.Extension, &a.JobTitle); err != nil {
			return nil, err
		}
		if teams != "" {
			if err := json.Unmarshal([]byte(teams), &a.Teams); err != nil {
				return nil, fmt.Errorf("agent %d teams: %w", a.ID, err)
			}
		}
		if depts != "" {
			if err := json.Unmarshal([]byte(depts), &a.Departments); err != nil {
				return nil, fmt.Errorf("agent %d departments: %w", a.ID, err)
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func readTeams(ctx context.Context, q querier, profileID int64) ([]halo.Team, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, department_id, department_name, inactive
		FROM teams WHERE profile_id = ? ORDER BY pos`, profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []halo.Team{}
	for rows.Next() {
		var t halo.Team
		if err := rows.Scan(&t.ID, &t.Name, &t.DepartmentID, &t.DepartmentName, &t.Inactive); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func readIDNames(ctx context.Context, q querier, table string, profileID int64, add func(int, string)) error {
	rows, err := q.QueryContext(ctx, "SELECT id, name FROM "+table+" WHERE profile_id = ? ORDER BY pos", profileID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		add(id, name)
	}
	return rows.Err()
}

// AddRun stores a run and returns its ID.
func (db *DB) AddRun(ctx context.Context, r Run) (int64, error) {
	if r.Kind != RunCheck && r.Kind != RunSync && r.Kind != RunContactsFix && r.Kind != RunContactsUndo {
		return 0, errorf(ErrInvalid, "unknown run kind %q (want %q, %q, %q or %q)", r.Kind, RunCheck, RunSync, RunContactsFix, RunContactsUndo)
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = time.Now()
	}
	var id int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, r.ProfileID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (profile_id, kind, started_at, duration_ns, ok, summary,
			agents, teams, departments, organisations, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ProfileID, r.Kind, fmtTime(r.StartedAt), int64(r.Duration), boolInt(r.OK), r.Summary,
			r.Agents, r.Teams, r.Departments, r.Organisations, r.Report)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

const runCols = `id, profile_id, kind, started_at, duration_ns, ok, summary, agents, teams, departments, organisations`

func scanRun(sc interface{ Scan(...any) error }, withReport bool) (Run, error) {
	var r Run
	var at string
	var dur int64
	dest := []any{&r.ID, &r.ProfileID, &r.Kind, &at, &dur, &r.OK, &r.Summary, &r.Agents, &r.Teams, &r.Departments, &r.Organisations}
	if withReport {
		dest = append(dest, &r.Report)
	}
	err := sc.Scan(dest...)
	r.StartedAt, r.Duration = parseTime(at), time.Duration(dur)
	return r, err
}

// Runs lists a profile's runs, newest first, without their reports
// (RunReport fetches one). limit <= 0 means all.
func (db *DB) Runs(ctx context.Context, profileID int64, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.db.QueryContext(ctx, "SELECT "+runCols+` FROM runs WHERE profile_id = ?
		ORDER BY started_at DESC, id DESC LIMIT ?`, profileID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RunReport returns the report stored with a run.
func (db *DB) RunReport(ctx context.Context, runID int64) ([]byte, error) {
	var report []byte
	err := db.db.QueryRowContext(ctx, "SELECT report FROM runs WHERE id = ?", runID).Scan(&report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(ErrNotFound, "run %d not found", runID)
	}
	return report, err
}

// LatestRun returns the newest run of a kind for a profile, with its report;
// ok is false if there is none.
func (db *DB) LatestRun(ctx context.Context, profileID int64, kind string) (Run, bool, error) {
	r, err := scanRun(db.db.QueryRowContext(ctx, "SELECT "+runCols+`, report FROM runs
		WHERE profile_id = ? AND kind = ? ORDER BY started_at DESC, id DESC LIMIT 1`, profileID, kind), true)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, err
	}
	return r, true, nil
}
