package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func agentLabel(m mapping.Mapping) string {
	if m.AgentName != "" {
		return fmt.Sprintf("agent %s (id %d)", m.AgentName, m.AgentID)
	}
	return fmt.Sprintf("agent id %d", m.AgentID)
}

func validateMapping(m *mapping.Mapping) error {
	if m.UserID <= 0 {
		return errorf(ErrInvalid, "a mapping needs a user")
	}
	if m.AgentID <= 0 {
		return errorf(ErrInvalid, "a mapping needs a Halo agent (got agent id %d)", m.AgentID)
	}
	m.AgentName = strings.TrimSpace(m.AgentName)
	m.AgentEmail = strings.TrimSpace(m.AgentEmail)
	m.MatchedBy = mapping.Method(strings.TrimSpace(string(m.MatchedBy)))
	if m.MappedAt.IsZero() {
		m.MappedAt = time.Now()
	}
	m.MappedAt = m.MappedAt.UTC()
	return nil
}

const mappingCols = `profile_id, user_id, agent_id, agent_name, agent_email, matched_by, mapped_at`

func scanMapping(sc interface{ Scan(...any) error }) (mapping.Mapping, error) {
	var m mapping.Mapping
	var at string
	err := sc.Scan(&m.ProfileID, &m.UserID, &m.AgentID, &m.AgentName, &m.AgentEmail, &m.MatchedBy, &at)
	m.MappedAt = parseTime(at)
	return m, err
}

// agentHolder returns the mapping that holds the agent in the profile.
func agentHolder(ctx context.Context, q querier, profileID int64, agentID int) (mapping.Mapping, bool, error) {
	m, err := scanMapping(q.QueryRowContext(ctx, "SELECT "+mappingCols+" FROM mappings WHERE profile_id = ? AND agent_id = ?", profileID, agentID))
	if errors.Is(err, sql.ErrNoRows) {
		return mapping.Mapping{}, false, nil
	}
	return m, err == nil, err
}

func upsertMapping(ctx context.Context, tx execer, m mapping.Mapping) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO mappings (`+mappingCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET agent_id = excluded.agent_id, agent_name = excluded.agent_name,
			agent_email = excluded.agent_email, matched_by = excluded.matched_by, mapped_at = excluded.mapped_at`,
		m.ProfileID, m.UserID, m.AgentID, m.AgentName, m.AgentEmail, string(m.MatchedBy), fmtTime(m.MappedAt))
	return err
}

// SetMapping maps m.UserID to m.AgentID, replacing the user's previous
// agent. If the agent is mapped to another user it fails with ErrAgentTaken
// (use MoveMapping to take it over).
func (db *DB) SetMapping(ctx context.Context, m mapping.Mapping) error {
	return db.setMapping(ctx, m, false)
}

// MoveMapping maps m.UserID to m.AgentID, first removing the agent from the
// user it was mapped to, in one transaction.
func (db *DB) MoveMapping(ctx context.Context, m mapping.Mapping) error {
	return db.setMapping(ctx, m, true)
}

func (db *DB) setMapping(ctx context.Context, m mapping.Mapping, move bool) error {
	if err := validateMapping(&m); err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		p, u, err := getProfileUser(ctx, tx, m.ProfileID, m.UserID)
		if err != nil {
			return err
		}
		holder, held, err := agentHolder(ctx, tx, m.ProfileID, m.AgentID)
		if err != nil {
			return err
		}
		action, detail := ActionMappingSet, u.Label()+" → "+agentLabel(m)
		if held && holder.UserID != m.UserID {
			prev, err := getUser(ctx, tx, m.ProfileID, holder.UserID)
			if err != nil {
				return err
			}
			if !move {
				return errorf(ErrAgentTaken, "%s is already mapped to %s", agentLabel(holder), prev.Label())
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM mappings WHERE user_id = ?", holder.UserID); err != nil {
				return err
			}
			action = ActionMappingMoved
			detail = fmt.Sprintf("%s moved from %s to %s", agentLabel(m), prev.Label(), u.Label())
		}
		if err := upsertMapping(ctx, tx, m); err != nil {
			return err
		}
		if m.MatchedBy != "" {
			detail += " (matched by " + string(m.MatchedBy) + ")"
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: action, Detail: detail})
	})
}

// DeleteMapping removes a user's mapping (ErrNotFound if it has none).
func (db *DB) DeleteMapping(ctx context.Context, profileID, userID int64) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		p, u, err := getProfileUser(ctx, tx, profileID, userID)
		if err != nil {
			return err
		}
		m, err := scanMapping(tx.QueryRowContext(ctx, "SELECT "+mappingCols+" FROM mappings WHERE user_id = ?", userID))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(ErrNotFound, "%s is not mapped", u.Label())
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM mappings WHERE user_id = ?", userID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionMappingRemoved,
			Detail: u.Label() + " no longer mapped to " + agentLabel(m)})
	})
}

// Mappings lists a profile's mappings in the users' order (see Users).
func (db *DB) Mappings(ctx context.Context, profileID int64) ([]mapping.Mapping, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT m.profile_id, m.user_id, m.agent_id, m.agent_name, m.agent_email,
			m.matched_by, m.mapped_at, u.extension, u.name
		FROM mappings m JOIN users u ON u.id = m.user_id
		WHERE m.profile_id = ?`, profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type row struct {
		m mapping.Mapping
		u mapping.User
	}
	var all []row
	for rows.Next() {
		var r row
		var at string
		if err := rows.Scan(&r.m.ProfileID, &r.m.UserID, &r.m.AgentID, &r.m.AgentName, &r.m.AgentEmail,
			&r.m.MatchedBy, &at, &r.u.Extension, &r.u.Name); err != nil {
			return nil, err
		}
		r.m.MappedAt = parseTime(at)
		r.u.ID = r.m.UserID
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool { return lessUser(all[i].u, all[j].u) })
	out := make([]mapping.Mapping, len(all))
	for i, r := range all {
		out[i] = r.m
	}
	return out, nil
}

// bulkDetailMax caps how many individual changes a mapping.bulk audit event
// spells out; the counts always cover all of them.
const bulkDetailMax = 20

// SetMappings makes ms the complete set of the profile's mappings, in one
// transaction: users not in ms end up unmapped. It is meant for applying an
// auto-match or an import whose result the caller (halo/mapping) has merged
// with the existing mappings. A mapping whose agent and user are unchanged
// keeps its MappedAt and MatchedBy unless ms gives new ones. Fails without
// changing anything if a user is not in the profile, appears twice, or two
// users get the same agent (ErrAgentTaken).
func (db *DB) SetMappings(ctx context.Context, profileID int64, ms []mapping.Mapping) error {
	return db.replaceMappings(ctx, profileID, func(map[int64]mapping.Mapping) ([]mapping.Mapping, error) { return ms, nil })
}

// ApplyMappings changes some mappings and leaves the rest as they are, in
// one transaction: each of changes replaces its user's mapping (taking its
// agent from any other user), and the users in unmap lose theirs. Screens
// and commands use it so that they never overwrite changes made meanwhile
// by another window or process.
//
// expect, when not nil, names the agent each listed user must still have
// (0: unmapped) — the state the caller's step was computed from. If any
// differs, or a change would take an agent from a user outside expect,
// nothing is written and the error wraps ErrConflict. Undo and redo use it
// so that they never silently undo someone else's work.
func (db *DB) ApplyMappings(ctx context.Context, profileID int64, changes []mapping.Mapping, unmap []int64, expect map[int64]int) error {
	return db.replaceMappings(ctx, profileID, func(old map[int64]mapping.Mapping) ([]mapping.Mapping, error) {
		if expect != nil {
			for uid, want := range expect {
				if old[uid].AgentID != want { // a missing entry has AgentID 0
					return nil, errorf(ErrConflict, "the mapping of user %d changed meanwhile (now agent %d, expected %d)",
						uid, old[uid].AgentID, want)
				}
			}
			holder := make(map[int]int64, len(old))
			for uid, m := range old {
				holder[m.AgentID] = uid
			}
			for _, c := range changes {
				if uid, taken := holder[c.AgentID]; taken {
					if _, ours := expect[uid]; !ours {
						return nil, errorf(ErrConflict, "agent %d was mapped to user %d meanwhile", c.AgentID, uid)
					}
				}
			}
		}
		existing := make([]mapping.Mapping, 0, len(old))
		for _, m := range old {
			existing = append(existing, m)
		}
		sort.Slice(existing, func(i, j int) bool { return existing[i].UserID < existing[j].UserID })
		drop := make(map[int64]bool, len(unmap))
		for _, uid := range unmap {
			drop[uid] = true
		}
		for _, c := range changes {
			delete(drop, c.UserID)
		}
		// SetMappings takes the complete set: the changes on top of what is
		// stored, by the domain's rule (a change replaces its user's mapping
		// and takes its agent from any other user).
		merged := mapping.Reassign(existing, changes)
		out := merged[:0]
		for _, m := range merged {
			if !drop[m.UserID] {
				out = append(out, m)
			}
		}
		return out, nil
	})
}

// replaceMappings makes build(current mappings) the profile's complete set.
func (db *DB) replaceMappings(ctx context.Context, profileID int64, build func(old map[int64]mapping.Mapping) ([]mapping.Mapping, error)) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		old := map[int64]mapping.Mapping{}
		rows, err := tx.QueryContext(ctx, "SELECT "+mappingCols+" FROM mappings WHERE profile_id = ?", profileID)
		if err != nil {
			return err
		}
		for rows.Next() {
			m, err := scanMapping(rows)
			if err != nil {
				rows.Close()
				return err
			}
			old[m.UserID] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ms, err := build(old)
		if err != nil {
			return err
		}
		in := make([]mapping.Mapping, len(ms))
		copy(in, ms)
		givenAt := make([]bool, len(in))
		byUser := make(map[int64]int, len(in))
		for i := range in {
			if in[i].ProfileID != 0 && in[i].ProfileID != profileID {
				return errorf(ErrInvalid, "mapping %d belongs to profile %d, not %d", i+1, in[i].ProfileID, profileID)
			}
			in[i].ProfileID = profileID
			givenAt[i] = !in[i].MappedAt.IsZero()
			if err := validateMapping(&in[i]); err != nil {
				return err
			}
			if j, dup := byUser[in[i].UserID]; dup {
				return errorf(ErrInvalid, "user %d is given twice (mappings %d and %d)", in[i].UserID, j+1, i+1)
			}
			byUser[in[i].UserID] = i
		}
		p, err := getProfile(ctx, tx, profileID)
		if err != nil {
			return err
		}
		users, err := loadUsers(ctx, tx, profileID)
		if err != nil {
			return err
		}
		userByID := make(map[int64]mapping.User, len(users))
		for _, u := range users {
			userByID[u.ID] = u
		}
		seenAgent := make(map[int]int64, len(in))
		for _, m := range in {
			if _, ok := userByID[m.UserID]; !ok {
				return errorf(ErrNotFound, "user %d not found in profile %d", m.UserID, profileID)
			}
			if other, taken := seenAgent[m.AgentID]; taken {
				return errorf(ErrAgentTaken, "%s is given to both %s and %s",
					agentLabel(m), userByID[other].Label(), userByID[m.UserID].Label())
			}
			seenAgent[m.AgentID] = m.UserID
		}

		// Remove what goes away or changes agent first, so the inserts
		// below cannot collide with an agent's old holder (swaps within the
		// batch); rows that stay the same are not rewritten.
		var gone []int64
		for uid := range old {
			if _, kept := byUser[uid]; !kept {
				gone = append(gone, uid)
			}
		}
		sort.Slice(gone, func(i, j int) bool { return lessUser(userByID[gone[i]], userByID[gone[j]]) })
		del, err := tx.PrepareContext(ctx, "DELETE FROM mappings WHERE user_id = ?")
		if err != nil {
			return err
		}
		defer del.Close()
		for _, uid := range gone {
			if _, err := del.ExecContext(ctx, uid); err != nil {
				return err
			}
		}
		for _, m := range in {
			if prev, had := old[m.UserID]; had && prev.AgentID != m.AgentID {
				if _, err := del.ExecContext(ctx, m.UserID); err != nil {
					return err
				}
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO mappings (`+mappingCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE mappings SET agent_name = ?, agent_email = ?, matched_by = ?, mapped_at = ?
			WHERE user_id = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()

		var added, changed, unchanged int
		var changes []string
		note := func(s string) {
			if len(changes) < bulkDetailMax {
				changes = append(changes, s)
			}
		}
		for i, m := range in {
			prev, had := old[m.UserID]
			label := userByID[m.UserID].Label()
			if had && prev.AgentID == m.AgentID {
				unchanged++
				if !givenAt[i] {
					m.MappedAt = prev.MappedAt
				}
				if m.MatchedBy == "" {
					m.MatchedBy = prev.MatchedBy
				}
				if m.AgentName == prev.AgentName && m.AgentEmail == prev.AgentEmail &&
					m.MatchedBy == prev.MatchedBy && m.MappedAt.Equal(prev.MappedAt) {
					continue
				}
				if _, err := upd.ExecContext(ctx, m.AgentName, m.AgentEmail, string(m.MatchedBy), fmtTime(m.MappedAt), m.UserID); err != nil {
					return fmt.Errorf("mapping %d (%s): %w", i+1, label, err)
				}
				continue
			}
			if had {
				changed++
				note(label + " → " + agentLabel(m) + " (was " + agentLabel(prev) + ")")
			} else {
				added++
				note(label + " → " + agentLabel(m))
			}
			if _, err := ins.ExecContext(ctx, m.ProfileID, m.UserID, m.AgentID, m.AgentName, m.AgentEmail,
				string(m.MatchedBy), fmtTime(m.MappedAt)); err != nil {
				return fmt.Errorf("mapping %d (%s): %w", i+1, label, err)
			}
		}
		for _, uid := range gone {
			note(userByID[uid].Label() + " no longer mapped to " + agentLabel(old[uid]))
		}
		removed := len(gone)
		detail := fmt.Sprintf("%d mappings: %d added, %d changed, %d removed, %d unchanged",
			len(in), added, changed, removed, unchanged)
		if len(changes) > 0 {
			detail += "; " + strings.Join(changes, "; ")
			if more := added + changed + removed - len(changes); more > 0 {
				detail += fmt.Sprintf("; and %d more", more)
			}
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionMappingBulk, Detail: detail})
	})
}
