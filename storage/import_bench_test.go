package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// BenchmarkImportUsers10k is the whole import of a 10,000-row CSV as the
// app does it: parse, plan against the stored users, store (new users).
func BenchmarkImportUsers10k(b *testing.B) {
	var csv bytes.Buffer
	csv.WriteString("Extension,Display Name,Email\r\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&csv, "%d,User Number %d,user%d@example.com\r\n", 10000+i, i, i)
	}
	data := csv.Bytes()
	db, err := storage.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p, err := db.CreateProfile(ctx, storage.Profile{Name: fmt.Sprintf("Import %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		prev, err := mapping.ParseUsers(bytes.NewReader(data))
		if err != nil || len(prev.Accepted) != 10000 {
			b.Fatalf("parsed %d, %v", len(prev.Accepted), err)
		}
		plan := mapping.PlanUsersImport(prev, nil)
		if len(plan.Preview.Rejected) != 0 {
			b.Fatalf("rejected %d", len(plan.Preview.Rejected))
		}
		users := plan.Preview.Users(p.ID)
		if added, _, err := db.UpsertUsers(ctx, p.ID, users); err != nil || added != 10000 {
			b.Fatalf("added %d, %v", added, err)
		}
	}
}
