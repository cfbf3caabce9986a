package mapping

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Fuzzy matching compares normalised names token by token with
// Jaro-Winkler, so typos (Jon/John, Smyth/Smith), a missing middle name and
// swapped order score high while Jane/John stay apart. Only agents that
// share a blocking key with the user are compared: a token, or its first
// two letters, plus the initial of another token ("smith|j", "sm|j",
// "jo|s"), or a whole token when it is rare. Posting lists that are too
// long (a very common name) are skipped, which bounds the comparisons per
// user and keeps 10,000 × 10,000 linear. A typo in the first two letters of
// every token (Catherine Jonse) is found only when a token is rare.
//
// Names repeat a small vocabulary of tokens, so tokens are interned and
// token similarities memoised.
const (
	fuzzyThreshold    = 0.88 // whole-name score needed for a suggestion
	tokenThreshold    = 0.85 // every token of the shorter name must reach this
	initialScore      = 0.88 // "j" against "john"
	extraTokenPenalty = 0.96 // per unmatched token of the longer name
	swappedPenalty    = 0.98 // tokens matched out of order
	localPartScore    = 0.90 // same email local part, other domain; or local part = name
	maxPairPosting    = 64
	maxTokenPosting   = 24
	maxCompactPosting = 4
	maxFuzzyCands     = 3
	maxTokens         = 8
	maxTokenRunes     = 64 // jaro keeps match flags in a uint64
	minCompactLen     = 5
)

// tokenTable interns name tokens and memoises their similarity.
type tokenTable struct {
	ids   map[string]int32
	runes [][]rune
	memo  map[uint64]float64
}

func newTokenTable() *tokenTable {
	return &tokenTable{ids: make(map[string]int32), memo: make(map[uint64]float64)}
}

// tokens splits a normalised name into at most maxTokens interned tokens
// of at most maxTokenRunes runes. Initials are dropped when two longer
// tokens remain ("john a smith" compares as "john smith").
func (tt *tokenTable) tokens(name string) []int32 {
	if name == "" {
		return nil
	}
	fields := strings.Fields(name)
	long := 0
	for _, f := range fields {
		if utf8.RuneCountInString(f) > 1 {
			long++
		}
	}
	toks := make([]int32, 0, min(len(fields), maxTokens))
	for _, f := range fields {
		if len(toks) == maxTokens {
			break
		}
		if long >= 2 && utf8.RuneCountInString(f) == 1 {
			continue
		}
		id, ok := tt.ids[f]
		if !ok {
			r := []rune(f)
			id = int32(len(tt.runes))
			tt.ids[f] = id
			tt.runes = append(tt.runes, r[:min(len(r), maxTokenRunes)])
		}
		toks = append(toks, id)
	}
	return toks
}

// sim is the similarity of two tokens: Jaro-Winkler, or initialScore for
// an initial against a token starting with it.
func (tt *tokenTable) sim(a, b int32) float64 {
	if a == b {
		return 1
	}
	key := uint64(uint32(a))<<32 | uint64(uint32(b))
	if v, ok := tt.memo[key]; ok {
		return v
	}
	ra, rb := tt.runes[a], tt.runes[b]
	var v float64
	if len(ra) == 1 || len(rb) == 1 {
		if ra[0] == rb[0] {
			v = initialScore
		}
	} else {
		v = jaroWinkler(ra, rb)
	}
	tt.memo[key] = v
	return v
}

type fuzzyEntry struct {
	ai     int32
	tokens []int32
}

type fuzzyCand struct {
	ai      int32
	score   float64
	byEmail bool
}

// fuzzySuggest returns one suggestion per user in which (indexes into us),
// with Method "" for users without a fuzzy match, considering only the
// agents in free (indexes into ag).
func fuzzySuggest(us []suggestUser, which []int, ag []suggestAgent, free []int32) []Suggestion {
	out := make([]Suggestion, len(which))
	if len(which) == 0 || len(free) == 0 {
		return out
	}

	tt := newTokenTable()
	var entries []fuzzyEntry
	byKey := make(map[string][]int32, len(free)*4)
	byCompact := make(map[string][]int32, len(free)*2)
	var keyBuf []byte
	for _, ai := range free {
		a := &ag[ai]
		for _, name := range a.keys[2] {
			toks := tt.tokens(name)
			if len(toks) == 0 {
				continue
			}
			ei := int32(len(entries))
			entries = append(entries, fuzzyEntry{ai: ai, tokens: toks})
			keyBuf = forEachBlockKey(tt, toks, keyBuf, func(k []byte) {
				l := byKey[string(k)]
				if len(l) <= maxPairPosting && (len(l) == 0 || l[len(l)-1] != ei) {
					byKey[string(k)] = append(l, ei)
				}
			})
		}
		for _, c := range compactKeys(a.a.Email, a.keys[2][0], a.keys[2][1]) {
			if l := byCompact[c]; len(l) <= maxCompactPosting && !slices.Contains(l, ai) {
				byCompact[c] = append(l, ai)
			}
		}
	}

	entrySeen := make([]int32, len(entries))
	cands := make([][]fuzzyCand, len(which))
	var top []fuzzyCand
	for wi, ui := range which {
		epoch := int32(wi + 1)
		top = top[:0]
		consider := func(ai int32, score float64, byEmail bool) {
			for i := range top {
				if top[i].ai == ai {
					if score > top[i].score {
						top[i].score, top[i].byEmail = score, byEmail
					}
					return
				}
			}
			top = append(top, fuzzyCand{ai, score, byEmail})
		}
		toks := tt.tokens(us[ui].keys[2])
		keyBuf = forEachBlockKey(tt, toks, keyBuf, func(k []byte) {
			l := byKey[string(k)]
			limit := maxTokenPosting
			if slices.Contains(k, '|') {
				limit = maxPairPosting
			}
			if len(l) > limit {
				return
			}
			for _, ei := range l {
				if entrySeen[ei] == epoch {
					continue
				}
				entrySeen[ei] = epoch
				if s := nameSimilarity(tt, toks, entries[ei].tokens); s >= fuzzyThreshold {
					consider(entries[ei].ai, s, false)
				}
			}
		})
		for _, c := range compactKeys(us[ui].u.Email, us[ui].keys[2], "") {
			if l := byCompact[c]; len(l) <= maxCompactPosting {
				for _, ai := range l {
					consider(ai, localPartScore, true)
				}
			}
		}
		if len(top) == 0 {
			continue
		}
		slices.SortFunc(top, func(x, y fuzzyCand) int {
			if c := cmp.Compare(y.score, x.score); c != 0 {
				return c
			}
			return cmp.Compare(ag[x.ai].a.ID, ag[y.ai].a.ID)
		})
		cands[wi] = slices.Clone(top[:min(len(top), maxFuzzyCands)])
	}

	// Give each agent to the user it suits best, highest scores first, so
	// two fuzzy suggestions never propose the same agent.
	type pair struct {
		wi    int
		ai    int32
		score float64
	}
	var pairs []pair
	for wi, cs := range cands {
		for _, c := range cs {
			pairs = append(pairs, pair{wi, c.ai, c.score})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.wi, y.wi); c != 0 {
			return c
		}
		return cmp.Compare(ag[x.ai].a.ID, ag[y.ai].a.ID)
	})
	assigned := make([]int32, len(which))
	for i := range assigned {
		assigned[i] = -1
	}
	agentTaken := make(map[int32]bool, len(pairs))
	for _, p := range pairs {
		if assigned[p.wi] < 0 && !agentTaken[p.ai] {
			assigned[p.wi] = p.ai
			agentTaken[p.ai] = true
		}
	}

	for wi, cs := range cands {
		if len(cs) == 0 {
			continue
		}
		s := Suggestion{UserID: us[which[wi]].u.ID, Method: MethodFuzzy, Score: cs[0].score,
			Note: "the similar agents suit other users better"}
		for _, c := range cs {
			s.Candidates = append(s.Candidates, ag[c.ai].a.ID)
			if c.ai == assigned[wi] {
				s.AgentID, s.Score, s.Note = ag[c.ai].a.ID, c.score, "similar name"
				if c.byEmail {
					s.Note = "same name in the email address"
				}
			}
		}
		out[wi] = s
	}
	return out
}

// forEachBlockKey calls f with each blocking key of a token list, built in
// buf (returned for reuse): every token of 3+ runes alone, and every token
// of 2+ runes and its first two runes, each with "|" and the initial of
// each other token.
func forEachBlockKey(tt *tokenTable, toks []int32, buf []byte, f func([]byte)) []byte {
	for i, ti := range toks {
		t := tt.runes[ti]
		if len(t) >= 3 {
			buf = appendRunes(buf[:0], t)
			f(buf)
		}
		if len(t) < 2 {
			continue
		}
		for j, ui := range toks {
			if i == j {
				continue
			}
			initial := tt.runes[ui][0]
			buf = append(appendRunes(buf[:0], t), '|')
			f(utf8.AppendRune(buf, initial))
			if len(t) > 2 {
				buf = append(appendRunes(buf[:0], t[:2]), '|')
				f(utf8.AppendRune(buf, initial))
			}
		}
	}
	return buf
}

func appendRunes(dst []byte, rs []rune) []byte {
	for _, r := range rs {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// compactKeys returns the "identity" forms of an email local part and of
// normalised names, letters and digits only ("john.smith@x" and "John
// Smith" both give "johnsmith"); forms shorter than minCompactLen are left
// out as too unspecific.
func compactKeys(email, name1, name2 string) []string {
	var out []string
	add := func(s string) {
		var buf [64]byte
		b := buf[:0]
		for _, r := range s {
			b, _ = appendFoldedRune(b, r)
		}
		if len(b) >= minCompactLen && !slices.Contains(out, string(b)) {
			out = append(out, string(b))
		}
	}
	if k := EmailKey(email); k != "" {
		if at := strings.IndexByte(k, '@'); at > 0 {
			add(k[:at])
		}
	}
	if name1 != "" {
		add(name1)
	}
	if name2 != "" {
		add(name2)
	}
	return out
}

// nameSimilarity scores two token lists 0–1: each token of the shorter list
// is paired with its best unused token of the longer one; all pairs must
// reach tokenThreshold. The mean is lowered for extra tokens and for
// tokens matched out of order. One word against a full name scores 0.
func nameSimilarity(tt *tokenTable, a, b []int32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) == 1 && len(long) > 1 {
		return 0
	}
	var used uint32
	sum, last, inOrder := 0.0, -1, true
	for _, t := range short {
		best, bj := 0.0, -1
		for j, u := range long {
			if used&(1<<j) != 0 {
				continue
			}
			if s := tt.sim(t, u); s > best {
				best, bj = s, j
			}
		}
		if bj < 0 || best < tokenThreshold {
			return 0
		}
		used |= 1 << bj
		if bj < last {
			inOrder = false
		}
		last = bj
		sum += best
	}
	score := sum / float64(len(short))
	for range len(long) - len(short) {
		score *= extraTokenPenalty
	}
	if !inOrder {
		score *= swappedPenalty
	}
	return score
}

// jaroWinkler is the Jaro-Winkler similarity (prefix scale 0.1, prefix up to
// 4) of two strings; only the first maxTokenRunes runes count.
func jaroWinkler(a, b []rune) float64 {
	j := jaro(a, b)
	l := 0
	for l < 4 && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*0.1*(1-j)
}

func jaro(a, b []rune) float64 {
	a, b = a[:min(len(a), maxTokenRunes)], b[:min(len(b), maxTokenRunes)]
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		if la == lb {
			return 1
		}
		return 0
	}
	window := max(max(la, lb)/2-1, 0)
	var am, bm uint64 // matched flags
	m := 0
	for i := range la {
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if bm&(1<<j) == 0 && a[i] == b[j] {
				am |= 1 << i
				bm |= 1 << j
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := range la {
		if am&(1<<i) == 0 {
			continue
		}
		for bm&(1<<k) == 0 {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	mf := float64(m)
	return (mf/float64(la) + mf/float64(lb) + (mf-float64(t)/2)/mf) / 3
}
