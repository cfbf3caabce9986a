package halo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The access token is registered with the redactor once issued: a server
// that echoes the request (its Authorization header) in an error cannot
// get the token into an error text, a log or a report.
func TestAccessTokenIsRedactedFromEchoedErrors(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{OrganisationError: http.StatusInternalServerError, EchoErrors: true})
	_, err := newClient(t, cfg).Organisations(context.Background())
	he := wantError(t, err, halo.KindServer, "")
	if !strings.Contains(he.Description, "Authorization: Bearer ") {
		t.Fatalf("the echo lost the header, so this test proves nothing: %.300q", he.Description)
	}
	if strings.Contains(he.Description, "Bearer halotest.") || strings.Contains(he.Error(), "halotest.") {
		t.Fatalf("the access token is in the error: %.300q", he.Description)
	}
}
