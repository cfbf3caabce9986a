// Package storage keeps the Halo Integration Assistant's data: connection
// profiles, checklist, audit log, Halo snapshots, run history, 1stream users
// and their agent mappings in one SQLite file, and each profile's Halo
// Client Secret in the OS keyring (never in the database). It never imports
// Fyne.
package storage

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-assistant/halo-assistant/storage/owneronly"
	"github.com/mattn/go-sqlite3"
)

// FileName is the database file inside the data directory.
const FileName = "halo-assistant.db"

// DataDirEnv overrides the data directory when no --data-dir flag is given.
const DataDirEnv = "HALO_ASSISTANT_DATA_DIR"

// driverName is go-sqlite3 plus a Unicode-aware halo_lower() SQL function
// (SQLite's own lower() folds ASCII only).
const driverName = "sqlite3_halo_assistant"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			if _, err := c.Exec(scrubPragmas, nil); err != nil {
				return err
			}
			return c.RegisterFunc("halo_lower", strings.ToLower, true)
		},
	})
}

// scrubPragmas are set on every connection, so deleted personal data
// leaves no copy behind (see scrub): deleted content is overwritten with
// zeros where it was; the write-ahead log is cut back to 4 MiB whenever it
// restarts; temporary tables and indices (sorting, VACUUM's copy of the
// database) stay in memory instead of files in the temp folder.
const scrubPragmas = "PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 4194304; PRAGMA temp_store = MEMORY;"

//go:embed migrations/*.sql
var migrationFS embed.FS

// sqliteHeader starts every SQLite 3 database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// timeLayout is RFC 3339 with a fixed-width fraction so stored timestamps
// sort as text in time order (RFC3339Nano drops trailing zeros and does not).
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// DB is the open database. It is safe for concurrent use; writes are
// serialised through one connection and, across processes, by SQLite's
// write lock (BEGIN IMMEDIATE with a busy timeout).
type DB struct {
	db   *sql.DB
	dir  string
	path string

	mu    sync.RWMutex
	actor string

	accessWarning string
	scrubPending  atomic.Bool // a scrub's checkpoint was held up (see scrub)
}

// DefaultDataDir is os.UserConfigDir()/halo-assistant.
func DefaultDataDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user configuration directory: %w", err)
	}
	return filepath.Join(base, "halo-assistant"), nil
}

// ResolveDataDir picks the data directory: the --data-dir flag if set, else
// $HALO_ASSISTANT_DATA_DIR, else DefaultDataDir. Explicit paths are made
// absolute so messages naming the file are unambiguous.
func ResolveDataDir(flag string) (string, error) {
	dir := strings.TrimSpace(flag)
	if dir == "" {
		dir = strings.TrimSpace(os.Getenv(DataDirEnv))
	}
	if dir == "" {
		return DefaultDataDir()
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data directory %q: %w", dir, err)
	}
	return abs, nil
}

// Open opens (creating if needed) the database in dir and applies pending
// migrations. An existing file that is not an SQLite database, is damaged,
// or was migrated by a newer release is reported as *NotDatabaseError,
// *CorruptError or *NewerSchemaError and left exactly as it is.
func Open(ctx context.Context, dir string) (*DB, error) {
	migs, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	known := migs[len(migs)-1].version

	if err := owneronly.Dir(dir, "data directory"); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, FileName)

	have, err := inspect(ctx, p)
	if err != nil {
		return nil, err
	}
	if have > known {
		return nil, &NewerSchemaError{Path: p, Have: have, Known: known}
	}
	// Only a file known to be ours is touched: created 0600 before SQLite
	// would create it 0644, or tightened with its WAL and SHM.
	if err := owneronly.Create(p); err != nil {
		return nil, fmt.Errorf("cannot create the database file: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := owneronly.File(p + suffix); err != nil {
			return nil, err
		}
	}

	sqlDB, err := sql.Open(driverName, dsn(p, "_foreign_keys=on&_busy_timeout=5000&_journal_mode=WAL&_txlock=immediate&_synchronous=NORMAL"))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	// One connection: SQLite has one writer at a time, so this process's
	// writers queue in Go instead of contending through the busy handler;
	// other processes are kept in line by BEGIN IMMEDIATE + busy_timeout.
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetConnMaxLifetime(0)

	db := &DB{db: sqlDB, dir: dir, path: p, actor: CurrentActor(), accessWarning: accessWarning(dir)}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, classify(p, err)
	}
	if err := db.migrate(ctx, migs); err != nil {
		sqlDB.Close()
		return nil, classify(p, err)
	}
	if err := db.incrementalVacuum(ctx); err != nil {
		sqlDB.Close()
		return nil, classify(p, err)
	}
	if _, err := db.PruneRuns(ctx); err != nil {
		sqlDB.Close()
		return nil, classify(p, err)
	}
	if _, err := db.PruneAudit(ctx); err != nil {
		sqlDB.Close()
		return nil, classify(p, err)
	}
	return db, nil
}

// AccessWarning says, when other accounts may read the data directory
// (Windows: its ACL lets them; a directory the app creates is the user's
// alone, see owneronly), who they are and what to do; "" otherwise.
func (db *DB) AccessWarning() string { return db.accessWarning }

func accessWarning(dir string) string {
	others, err := owneronly.OpenToOthers(dir)
	if err != nil || len(others) == 0 {
		return ""
	}
	return fmt.Sprintf("the data directory %s can be read by %s, who can thus read its database "+
		"(profiles, 1stream users, contacts); keep the data in a folder of your own (the default, or --data-dir) "+
		"or remove their access to this one", dir, strings.Join(others, ", "))
}

// Close closes the database, first finishing a scrub that another
// connection held up (see scrub).
func (db *DB) Close() error {
	if db.scrubPending.Load() {
		_ = db.checkpoint(context.Background())
	}
	return db.db.Close()
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Dir is the data directory.
func (db *DB) Dir() string { return db.dir }

// SetActor sets who audit events are attributed to when no actor is given
// (default CurrentActor()).
func (db *DB) SetActor(actor string) {
	db.mu.Lock()
	db.actor = actor
	db.mu.Unlock()
}

// Actor is who audit events are attributed to by default.
func (db *DB) Actor() string {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.actor
}

// dsn builds a file: URI. The path is escaped so '?', '#' and '%' in a
// directory name cannot be read as URI syntax.
func dsn(p, params string) string {
	p = filepath.ToSlash(p)
	if runtime.GOOS == "windows" && !strings.HasPrefix(p, "/") {
		p = "/" + p // file:///C:/...
	}
	u := url.URL{Path: p}
	return "file://" + u.EscapedPath() + "?" + params
}

// inspect checks an existing file before anything writes to it and returns
// its schema version (0 for a missing or empty file).
func inspect(ctx context.Context, p string) (int, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot read the database file: %w", err)
	}
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	f.Close()
	if n == 0 && (err == io.EOF || err == nil) {
		return 0, nil // empty file: SQLite initialises it like a new one
	}
	if n < len(sqliteHeader) || !bytes.Equal(head, sqliteHeader) {
		return 0, &NotDatabaseError{Path: p}
	}

	// mode=rw never creates a file; query_only makes sure this connection
	// cannot change it; no journal_mode so nothing is switched.
	ro, err := sql.Open(driverName, dsn(p, "mode=rw&_query_only=1&_busy_timeout=5000"))
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", p, err)
	}
	defer ro.Close()
	ro.SetMaxOpenConns(1)

	rows, err := ro.QueryContext(ctx, "PRAGMA quick_check(5)")
	if err != nil {
		return 0, classify(p, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, classify(p, err)
		}
		problems = append(problems, s)
	}
	if err := rows.Close(); err != nil {
		return 0, classify(p, err)
	}
	if err := rows.Err(); err != nil {
		return 0, classify(p, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return 0, &CorruptError{Path: p, Detail: "integrity check: " + strings.ReplaceAll(strings.Join(problems, "; "), "\n", " ")}
	}

	var tables int
	if err := ro.QueryRowContext(ctx,
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").Scan(&tables); err != nil {
		return 0, classify(p, err)
	}
	if tables == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := ro.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, classify(p, err)
	}
	return int(v.Int64), nil
}

// classify turns SQLite's corruption errors into *CorruptError.
func classify(p string, err error) error {
	if err == nil {
		return nil
	}
	if errors.As(err, new(*NewerSchemaError)) || errors.As(err, new(*CorruptError)) {
		return err
	}
	msg := err.Error()
	if isCorruptCode(err) || strings.Contains(msg, "file is not a database") || strings.Contains(msg, "malformed") {
		return &CorruptError{Path: p, Detail: msg}
	}
	return fmt.Errorf("database %s: %w", p, err)
}

// MoveAside renames a bad database file, and its -wal, -shm and -journal
// companions, to "<path>.broken-<UTC timestamp>" (plus the same suffixes, so
// SQLite still pairs them) and returns the new name of the main file. Call it
// only while no process has the database open.
func MoveAside(p string) (string, error) {
	if _, err := os.Lstat(p); err != nil {
		return "", fmt.Errorf("move aside: %w", err)
	}
	base := p + ".broken-" + time.Now().UTC().Format("20060102T150405Z")
	target := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			break
		}
		target = base + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(p, target); err != nil {
		return "", fmt.Errorf("move aside: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		err := os.Rename(p+suffix, target+suffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return target, fmt.Errorf("move aside %s: %w", p+suffix, err)
		}
	}
	return target, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("embedded migrations: %w", err)
	}
	var migs []migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("embedded migration %q: name must be NNNN_name.sql", e.Name())
		}
		body, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("embedded migration %q: %w", e.Name(), err)
		}
		migs = append(migs, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	for i, m := range migs {
		if m.version != i+1 {
			return nil, fmt.Errorf("embedded migrations: expected version %d, found %d", i+1, m.version)
		}
	}
	if len(migs) == 0 {
		return nil, errors.New("embedded migrations: none found")
	}
	return migs, nil
}

// migrate applies pending migrations, each in its own write transaction that
// re-reads the applied versions, so two processes opening a new database at
// once apply each migration exactly once.
func (db *DB) migrate(ctx context.Context, migs []migration) error {
	known := migs[len(migs)-1].version
	have, err := db.schemaVersion(ctx, db.db)
	if err != nil {
		return err
	}
	if have > known {
		return &NewerSchemaError{Path: db.path, Have: have, Known: known}
	}
	if have == 0 {
		// Before the first table: a new database reclaims free pages on
		// request (see scrub); an existing one is converted once by
		// incrementalVacuum.
		if _, err := db.db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
			return err
		}
	}
	for _, m := range migs {
		if m.version <= have {
			continue
		}
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
				return err
			}
			cur, err := db.schemaVersion(ctx, tx)
			if err != nil {
				return err
			}
			if cur > known {
				return &NewerSchemaError{Path: db.path, Have: cur, Known: known}
			}
			if cur >= m.version {
				return nil // another process applied it while we waited
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, fmtTime(time.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type execer interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (db *DB) schemaVersion(ctx context.Context, q querier) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx,
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// SchemaVersion is the highest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	return db.schemaVersion(ctx, db.db)
}

// withTx runs fn in a write transaction (BEGIN IMMEDIATE, via the DSN), so
// read-then-write sequences cannot fail half-way with SQLITE_BUSY.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// readTx runs fn inside a deferred (read) transaction so multi-query reads
// see one consistent state even while another process writes.
func (db *DB) readTx(ctx context.Context, fn func(q querier) error) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return err
	}
	err = fn(conn)
	// End the transaction even when ctx is done, so the pooled connection
	// is never handed out with a transaction still open.
	if _, cerr := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); cerr != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		if err == nil {
			err = cerr
		}
	}
	return err
}

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
