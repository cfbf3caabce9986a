// Command halotest-serve runs the simulated Halo (demo scenario) on
// 127.0.0.1 until it is stopped, for tests of a program that cannot run it
// in-process (the Windows build under Wine, in .ci/wine-test.sh). It prints
// shell assignments: HALO_URL, HALO_CLIENT_ID, HALO_CLIENT_SECRET (the
// simulator's public test secret) and, with -tls, HALO_CA_FILE. Also
// `make demo-halo` for trying the command line (-refuse-writes,
// -search-numbers: the other Halos the contacts journey meets).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func main() {
	tls := flag.Bool("tls", false, "serve HTTPS with a self-signed CA (written to a PEM file)")
	refuseWrites := flag.Bool("refuse-writes", false, "answer POST /api/Users with 403, as a Halo whose API agent may only read users")
	searchNumbers := flag.Bool("search-numbers", false, "a phone search that compares numbers instead of matching the stored text")
	flag.Parse()
	sc := halotest.Demo()
	sc.TLS = *tls
	sc.WriteForbidden = *refuseWrites
	sc.Contacts.PhoneSearchNumbers = *searchNumbers
	srv := halotest.New(sc)
	defer srv.Close()
	fmt.Printf("HALO_URL=%s\nHALO_CLIENT_ID=%s\nHALO_CLIENT_SECRET=%s\n", srv.URL(), srv.ClientID(), srv.ClientSecret())
	if *tls {
		ca, err := srv.CAFile()
		if err != nil {
			fmt.Fprintln(os.Stderr, "halotest-serve:", err)
			os.Exit(1)
		}
		fmt.Printf("HALO_CA_FILE=%s\n", ca)
	}
	os.Stdout.Sync()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}
