package halo

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// listSpec says how to page one of Halo's list endpoints with pageinate,
// page_no and page_size.
type listSpec struct {
	path   string     // below /api/, e.g. "Users"
	key    string     // the wrapper's array property, e.g. "users"
	what   string     // plural noun for messages, e.g. "contacts"
	one    string     // singular, e.g. "contact"
	filter url.Values // the list's own filters; pageAll adds the paging
}

// pageQuery is spec's filters plus Halo's paging parameters for one page.
func (spec listSpec) pageQuery(page, size int) url.Values {
	q := url.Values{}
	for k, v := range spec.filter {
		q[k] = v
	}
	q.Set("pageinate", "true")
	q.Set("page_size", strconv.Itoa(size))
	q.Set("page_no", strconv.Itoa(page))
	return q
}

// pageProgress is one step of a paged pull: pages taken so far, the pages
// record_count promises, records so far and the records promised.
type pageProgress func(pages, pagesTotal, items, itemsTotal int)

// listPage is one page of a list, the size of its body, or why it failed.
type listPage[T any] struct {
	page  int
	items []T
	bytes int
	err   error
}

// pageAll pulls every page of a list. Page 1 tells record_count; the other
// pages are then fetched PageConcurrency at a time, each through the
// client's rate limiter. record_count is only Halo's claim: paging stops at
// the first short page or a page without new records, is bounded by
// maxAgentPages pages and MaxPullBytes bytes, and records repeated across
// pages (shifted while paging) are dropped by id; the records of all pages
// together are bounded like every list (checkListSize). progress may be
// nil; it is called from this goroutine only.
func pageAll[T any](ctx context.Context, c *Client, spec listSpec, id func(T) int, progress pageProgress) ([]T, error) {
	report := func(pages, pagesTotal, items, itemsTotal int) {
		if progress != nil {
			progress(pages, pagesTotal, items, itemsTotal)
		}
	}
	get := func(ctx context.Context, page, size int) ([]T, listMeta, int, error) {
		return getList[T](ctx, c, spec.path, spec.pageQuery(page, size), spec.key, spec.what)
	}
	first, meta, n, err := get(ctx, 1, c.cfg.PageSize)
	if err != nil {
		return nil, err
	}
	// No record_count: Halo ignored the paging request and sent them all.
	if !meta.HasCount || meta.RecordCount <= len(first) || len(first) == 0 {
		report(1, 1, len(first), len(first))
		return dedupeByID(first, id), nil
	}
	// Page by what Halo sent: it caps page_size at 100 whatever was asked.
	size := len(first)
	total := meta.RecordCount
	pages := (min(total, (maxAgentPages+1)*size) + size - 1) / size // no overflow on a huge claim
	last := min(pages, maxAgentPages)
	report(1, last, len(first), total)

	all := append(make([]T, 0, min(total, last*size, 10000)), first...) // a wild claim must not allocate
	seen := make(map[int]bool, cap(all))
	for _, r := range first {
		seen[id(r)] = true
	}
	pulled := int64(n)

	// Up to PageConcurrency pages are in flight; answers are taken in page
	// order, so the first short page stops the pull. The buffer lets the
	// fetches still running after a return finish without a reader.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan listPage[T], c.cfg.PageConcurrency)
	fetch := func(p int) {
		items, _, n, err := get(ctx, p, size)
		results <- listPage[T]{page: p, items: items, bytes: n, err: err}
	}
	pending := make(map[int]listPage[T], c.cfg.PageConcurrency)
	next := 2
	for want := 2; want <= pages; {
		if want > maxAgentPages {
			return nil, newError(KindBadResponse, "", fmt.Sprintf("Halo kept sending full pages of %s after %d pages; this app pages through at most %d.", spec.what, maxAgentPages, maxAgentPages), nil)
		}
		// The window starts at the oldest page not yet taken, so fast
		// (empty) pages past the end cannot run ahead of a slow one.
		for ; next < want+c.cfg.PageConcurrency && next <= last; next++ {
			go fetch(next)
		}
		pg := <-results
		if pg.err != nil {
			return nil, pg.err
		}
		pending[pg.page] = pg
		for {
			pg, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			pulled += int64(pg.bytes)
			if pulled > c.cfg.MaxPullBytes {
				return nil, newError(KindBadResponse, "", fmt.Sprintf("Halo's %s list is larger than %s in total; this app stops there.", spec.one, byteSize(c.cfg.MaxPullBytes)), nil)
			}
			fresh := 0
			for _, r := range pg.items {
				k := id(r)
				if k == 0 || !seen[k] {
					fresh++
				}
				seen[k] = true
			}
			all = append(all, pg.items...)
			if err := c.checkListSize(spec.what, len(all)); err != nil {
				return nil, err
			}
			if len(pg.items) < size || fresh == 0 {
				report(want, want, len(all), len(all))
				return dedupeByID(all, id), nil
			}
			report(want, last, len(all), total)
			want++
		}
	}
	return dedupeByID(all, id), nil
}

// dedupeByID drops repeats (records can shift between pages while
// paging); records without an id are kept.
func dedupeByID[T any](in []T, id func(T) int) []T {
	seen := make(map[int]bool, len(in))
	out := in[:0]
	for _, r := range in {
		if k := id(r); k != 0 {
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, r)
	}
	return out
}
