package diff

import (
	"math/rand"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// shortScript must give a script that rebuilds both sequences and is no
// longer than go-diff's, whenever it gives one, and give one whenever the
// shortest script is short enough.
func TestShortScriptIsAShortestScript(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	c := &comparer{dmp: newDiffer(), words: newRuneCoder()}
	found := 0
	for trial := range 20000 {
		a := randomRunes(rng, rng.Intn(30), 1+rng.Intn(6))
		b := mutateRunes(rng, a, rng.Intn(12))
		goEdits := 0
		for _, d := range c.dmp.DiffMainRunes(a, b, false) {
			if d.Type != diffmatchpatch.DiffEqual {
				goEdits += len([]rune(d.Text))
			}
		}
		runs, ok := c.shortScript(a, b)
		if !ok {
			if goEdits <= maxShortEdits {
				t.Fatalf("trial %d: no short script for %v → %v, go-diff has %d edits", trial, a, b, goEdits)
			}
			continue
		}
		found++
		var gotA, gotB []rune
		edits, i, j := 0, 0, 0
		for _, r := range runs {
			switch r.kind {
			case diffmatchpatch.DiffEqual:
				gotA, gotB = append(gotA, a[i:i+r.n]...), append(gotB, b[j:j+r.n]...)
				i, j = i+r.n, j+r.n
			case diffmatchpatch.DiffDelete:
				gotA = append(gotA, a[i:i+r.n]...)
				i += r.n
				edits += r.n
			default:
				gotB = append(gotB, b[j:j+r.n]...)
				j += r.n
				edits += r.n
			}
		}
		if string(gotA) != string(a) || string(gotB) != string(b) {
			t.Fatalf("trial %d: runs %v do not rebuild %v → %v", trial, runs, a, b)
		}
		if edits > goEdits {
			t.Fatalf("trial %d: %d edits, go-diff %d, for %v → %v", trial, edits, goEdits, a, b)
		}
	}
	if found < 10000 {
		t.Fatalf("only %d short scripts found", found)
	}
}

func randomRunes(rng *rand.Rand, n, alphabet int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = 'a' + rune(rng.Intn(alphabet))
	}
	return out
}

func mutateRunes(rng *rand.Rand, a []rune, changes int) []rune {
	out := append([]rune(nil), a...)
	for range changes {
		at := rng.Intn(len(out) + 1)
		switch rng.Intn(3) {
		case 0:
			out = append(out[:at], append([]rune{'a' + rune(rng.Intn(8))}, out[at:]...)...)
		case 1:
			if at < len(out) {
				out = append(out[:at], out[at+1:]...)
			}
		default:
			if at < len(out) {
				out[at] = 'a' + rune(rng.Intn(8))
			}
		}
	}
	return out
}

// longScript must give a script that rebuilds both sequences with exactly
// as many edits as go-diff's (both are shortest), whatever the sizes.
func TestLongScriptIsAShortestScript(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	c := &comparer{dmp: newDiffer(), words: newRuneCoder()}
	for trial := range 5000 {
		a := randomRunes(rng, rng.Intn(200), 1+rng.Intn(12))
		b := mutateRunes(rng, a, rng.Intn(80))
		if rng.Intn(10) == 0 { // unrelated texts
			b = randomRunes(rng, rng.Intn(200), 1+rng.Intn(12))
		}
		goEdits := 0
		for _, d := range c.dmp.DiffMainRunes(a, b, false) {
			if d.Type != diffmatchpatch.DiffEqual {
				goEdits += len([]rune(d.Text))
			}
		}
		runs := c.longScript(a, b)
		gotA, gotB, edits := rebuild(a, b, runs)
		if string(gotA) != string(a) || string(gotB) != string(b) {
			t.Fatalf("trial %d: runs %v do not rebuild %v → %v", trial, runs, a, b)
		}
		if edits != goEdits {
			t.Fatalf("trial %d: %d edits, go-diff %d, for %v → %v", trial, edits, goEdits, a, b)
		}
	}
}

// rebuild reads runs over a and b back into the two sequences, and counts
// the edits; it returns nil sequences when runs do not fit a and b.
func rebuild(a, b []rune, runs []run) (gotA, gotB []rune, edits int) {
	i, j := 0, 0
	for _, r := range runs {
		switch r.kind {
		case diffmatchpatch.DiffEqual:
			if i+r.n > len(a) || j+r.n > len(b) || string(a[i:i+r.n]) != string(b[j:j+r.n]) {
				return nil, nil, -1 // an equal run must read equal tokens
			}
			gotA, gotB = append(gotA, a[i:i+r.n]...), append(gotB, b[j:j+r.n]...)
			i, j = i+r.n, j+r.n
		case diffmatchpatch.DiffDelete:
			if i+r.n > len(a) {
				return nil, nil, -1
			}
			gotA = append(gotA, a[i:i+r.n]...)
			i += r.n
			edits += r.n
		default:
			if j+r.n > len(b) {
				return nil, nil, -1
			}
			gotB = append(gotB, b[j:j+r.n]...)
			j += r.n
			edits += r.n
		}
	}
	return gotA, gotB, edits
}
