package halo

import (
	"fmt"
	"time"
)

// CountOf spells a count with its noun, for every message of both
// front-ends and this package: "1 agent", "3 agents". A noun whose plural is
// not noun+"s" gives it: CountOf(n, "user is", "users are").
func CountOf(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// FormatDuration is how long something took or will take, as people read
// it: "350 ms", "2.5 s", "1m20s".
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// WaitMessage explains a backoff of the client (Config.OnWait) for both
// front-ends; each adds how to stop it (Cancel, Ctrl+C).
func WaitMessage(reason ErrorKind, d time.Duration) string {
	switch reason {
	case KindRateLimited:
		return fmt.Sprintf("Halo asked us to slow down (its rate limit was reached): waiting %s, then continuing.", FormatDuration(d))
	case KindServer:
		return fmt.Sprintf("Halo answered with a temporary server error: retrying in %s.", FormatDuration(d))
	case KindNetwork:
		return fmt.Sprintf("The connection to Halo dropped: retrying in %s.", FormatDuration(d))
	case KindPacing:
		return fmt.Sprintf("Pacing to stay within Halo's rate limit: continuing in %s.", FormatDuration(d))
	case KindRateShare:
		return fmt.Sprintf("Pacing: bulk work takes at most its share of Halo's rate limit, leaving the rest for 1stream's live lookups: continuing in %s.", FormatDuration(d))
	}
	return fmt.Sprintf("Waiting %s before retrying (%s).", FormatDuration(d), reason)
}
