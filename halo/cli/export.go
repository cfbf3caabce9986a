package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const exportUsage = `export --profile NAME [--out FILE] [--bom] [--include-unmapped] [--changes]

Writes the mappings as CSV (RFC 4180, UTF-8) for upload: to FILE (atomically) or standard output.
With --changes, only the rows changed since the last export, with a Change column (added, changed,
removed). Every export is remembered as what 1stream now holds.`

func runExport(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("export", exportUsage)
	profileName := fs.profileFlag("profile to export")
	outPath := fs.String("out", "", "file to write (default standard output)")
	bom := fs.Bool("bom", false, "start with a UTF-8 byte order mark (Excel-friendly)")
	unmapped := fs.Bool("include-unmapped", false, "include users without a mapping")
	changes := fs.Bool("changes", false, "only the rows changed since the last export")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q (use --out FILE)", pos[0])
	}
	if *changes && *unmapped {
		return usagef("--changes and --include-unmapped cannot be combined (a changes export lists only rows 1stream must update)")
	}
	d, err := r.dayTwo(ctx, *profileName)
	if err != nil {
		return err
	}
	if *changes {
		return exportChanges(ctx, r, d, *outPath, *bom)
	}
	opt := mapping.ExportOptions{BOM: *bom, IncludeUnmapped: *unmapped}
	rows := mapping.ExportRows(d.Users, d.Mappings)
	written := len(rows)
	if *unmapped {
		written = len(d.Users)
	}
	return r.writeExport(ctx, d, storage.ExportFull, *outPath, rows, written, func(w io.Writer) error {
		return mapping.WriteCSV(w, d.Users, d.Mappings, opt)
	})
}

const importMappingsUsage = `import-mappings --profile NAME FILE [--dry-run] [--json]

Restores mappings from a CSV written by 'export' (matched by Halo agent ID; users by extension, then email).`

type importMappingsJSON struct {
	DryRun   bool           `json:"dry_run"`
	Restored int            `json:"restored"`
	Problems []rejectedJSON `json:"problems"`
}

func runImportMappings(ctx context.Context, r *runner, args []string) error {
	fc, err := r.parseFileCommand("import-mappings", importMappingsUsage, "show what would be restored, change nothing", args)
	if err != nil {
		return err
	}
	d, err := r.dayTwo(ctx, fc.profile)
	if err != nil {
		return err
	}
	data, err := readInput(r, fc.path)
	if err != nil {
		return err
	}
	recs, rejected, err := mapping.ReadMappingsCSV(bytes.NewReader(data))
	if err != nil {
		return err
	}
	ok, problems := mapping.ResolveMappings(recs, d.Users, d.Agents)
	problems = append(rejected, problems...)
	out := importMappingsJSON{DryRun: fc.dry, Restored: len(ok), Problems: toRejectedJSON(problems)}
	// The GUI's import applies the same plan: the file wins, an agent it
	// gives to one user leaves its previous one.
	plan := mapping.PlanMappingImport(d.Mappings, ok, time.Now().UTC())
	if !fc.dry && (len(plan.Set) > 0 || len(plan.Unmap) > 0) {
		if err := r.db.ApplyMappings(ctx, d.Profile.ID, plan.Set, plan.Unmap, nil); err != nil {
			return err
		}
	}
	if fc.json {
		return writeJSON(r, out)
	}
	verb := "Restored"
	if fc.dry {
		verb = "Would restore"
	}
	fmt.Fprintf(r.env.Stdout, "%s %d mappings into %q.\n", verb, len(ok), d.Profile.Name)
	if len(problems) > 0 {
		fmt.Fprintf(r.env.Stdout, "Not restored (%d):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(r.env.Stdout, "  line %s: %s\n", strconv.Itoa(p.Line), p.Reason)
		}
	}
	return nil
}
