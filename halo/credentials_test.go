package halo

import "testing"

func TestValidateClientID(t *testing.T) {
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	const secret = "9b1de6f0-5c1a-4f7e-9a55-2f4c1d7e8a10-3f2a9c1e-8d7b-4e6f-a1b2-c3d4e5f60718"
	for _, tc := range []struct {
		in      string
		refused bool
	}{
		{id, false}, {"my-app", false}, {"", false}, {secret, true}, {" " + secret + "\n", true},
		// Pasted with its surroundings: quotes, a label, invisible characters.
		{`"` + secret + `"`, true}, {"Secret: " + secret, true}, {"Client Secret:\t'" + secret + "'", true},
		{secret[:20] + "\u200b" + secret[20:], true}, {"\ufeff" + secret[:40] + "\u200d" + secret[40:] + "\u2060", true},
		{`"` + id + `"`, false}, {"ID: " + id, false}, {id + "\u200b", false},
	} {
		err := ValidateClientID(tc.in)
		if (err != nil) != tc.refused {
			t.Errorf("ValidateClientID(%q) = %v, want refused=%v", tc.in, err, tc.refused)
		}
		if err != nil && KindOf(err) != KindConfig {
			t.Errorf("kind = %v", KindOf(err))
		}
	}
	if !LooksLikeGUID(id) || LooksLikeGUID(secret) || !LooksLikeClientSecret(secret) {
		t.Error("shape predicates disagree with the documented forms")
	}
}
