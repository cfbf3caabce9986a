package halotest

// SetAuthInfoAuthURL makes /api/authinfo name authURL as the authorisation
// server from now on, as a Halo that moved its login (or a tampered
// answer) would; "" goes back to the scenario's answer. Tests check that
// a client bound to the earlier server sends the secret nowhere new.
func (s *Server) SetAuthInfoAuthURL(authURL string) {
	if authURL == "" {
		s.authMove.Store(nil)
		return
	}
	s.authMove.Store(&authURL)
}
