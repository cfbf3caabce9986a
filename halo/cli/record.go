package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

const recordUsage = `record --profile NAME --out FILE

Writes the integration record for your documentation (IT Glue, Hudu): the six 1stream values (never
the Client Secret), the Halo application and API agent as the last check saw them, the checklist,
the check's results, the mappings and the changes since the last export. FILE ending in .md is
Markdown, .html or .htm a self-contained page that prints on A4 and Letter. Written atomically.`

func runRecord(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("record", recordUsage)
	profileName := fs.profileFlag("profile")
	out := fs.String("out", "", "file to write: .md or .html")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q (use --out FILE)", pos[0])
	}
	if *out == "" {
		return usagef("--out FILE is required (.md or .html)")
	}
	html, err := mapping.RecordIsHTML(*out)
	if err != nil {
		return usageError{err.Error()}
	}
	d, err := r.dayTwo(ctx, *profileName)
	if err != nil {
		return err
	}
	rec, err := d.Record(ctx, r.db, time.Now())
	if err != nil {
		return err
	}
	if err := mapping.WriteRecordFile(*out, &rec, html); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stderr, "Wrote the integration record of %q to %s.\n", d.Profile.Name, *out)
	return nil
}
