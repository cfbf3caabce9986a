package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/halo-assistant/halo-assistant/assets"
)

func runVersion(_ context.Context, r *runner, args []string) error {
	fs := r.newFlags("version", "version")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "%s %s (%s, %s/%s)\n", assets.Binary, assets.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
