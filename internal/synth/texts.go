package synth

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/policywatch/policywatch/demo"
)

// The texts come from the demo bundle: the real histories of X's cookie
// and privacy policies (39 and 25 versions, 11 to 77 KB) and five single
// documents (a data-processing page, a business-partners page, older
// cookie policies). A synthetic document starts from one of them, with
// the company's names replaced by its service's, and changes as real
// policies do: a sentence added or dropped, a word replaced, the
// effective date moved, now and then the next real version of its text,
// a return to the text before (a flip-flop), a rebrand.

// family is a real text and, when it has one, its real history.
type family struct {
	name     string
	versions []string // oldest first
}

// corpus is what documents are made of.
type corpus struct {
	families  map[string]*family
	sentences []string // real sentences, for insertions
}

// loadCorpus reads the demo bundle's Markdown and text files.
func loadCorpus() (*corpus, error) {
	files := demo.Files()
	c := &corpus{families: map[string]*family{}}
	add := func(name, dir string, single ...string) error {
		f := &family{name: name}
		var paths []string
		if dir != "" {
			entries, err := fs.ReadDir(files, dir)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".md") {
					paths = append(paths, path.Join(dir, e.Name()))
				}
			}
			sort.Strings(paths) // named by capture time
		}
		paths = append(paths, single...)
		for _, p := range paths {
			b, err := fs.ReadFile(files, p)
			if err != nil {
				return err
			}
			f.versions = append(f.versions, strings.ReplaceAll(string(b), "\r\n", "\n"))
		}
		if len(f.versions) == 0 {
			return fmt.Errorf("synth: no text for %s in the demo bundle", name)
		}
		c.families[name] = f
		return nil
	}
	for _, err := range []error{
		add("cookies", "twitter-x-history/cookies-policy"),
		add("privacy", "twitter-x-history/privacy-policy"),
		add("data processing", "", "twitter-x/x-data-processing.txt"),
		add("partners", "", "twitter-x/twitter-business-partners.txt"),
		add("old cookies", "", "twitter-x/twitter-cookies-policy.md", "twitter-x/x-cookies-policy.txt"),
	} {
		if err != nil {
			return nil, fmt.Errorf("synth: reading the demo bundle: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, name := range []string{"cookies", "privacy", "data processing", "partners", "old cookies"} {
		for _, v := range c.families[name].versions {
			for _, p := range paragraphs(v) {
				if !isProse(p) {
					continue
				}
				for _, s := range sentences(p) {
					if len(s) > 40 && len(s) < 300 && !seen[s] {
						seen[s] = true
						c.sentences = append(c.sentences, s)
					}
				}
			}
		}
	}
	return c, nil
}

// familiesByType is which texts a document of each type starts from.
var familiesByType = map[string][]string{
	"Privacy Policy":            {"privacy"},
	"Trackers Policy":           {"cookies", "old cookies"},
	"Data Processing Agreement": {"data processing"},
	"Terms of Service":          {"partners", "privacy"},
}

// documentTypes are the types of each service's documents, in order.
var documentTypes = []string{"Privacy Policy", "Trackers Policy", "Terms of Service", "Data Processing Agreement"}

// nameIn writes the service's name where the real text names its company:
// "X" and "Twitter" as words (not inside other words: "X" only where it
// stands alone).
func nameIn(text, service string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/20)
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && isWordByte(text[j]) {
			j++
		}
		if j == i {
			b.WriteByte(text[i])
			i++
			continue
		}
		switch w := text[i:j]; w {
		case "X", "Twitter":
			b.WriteString(service)
		case "Tweet", "Tweets", "tweet", "tweets":
			b.WriteString(map[string]string{"Tweet": "Post", "Tweets": "Posts", "tweet": "post", "tweets": "posts"}[w])
		default:
			b.WriteString(w)
		}
		i = j
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// paragraphs splits Markdown into its blocks.
func paragraphs(text string) []string { return strings.Split(text, "\n\n") }

// isProse says whether a block is a paragraph of sentences: not a
// heading, list, table, link list or emphasis line.
func isProse(p string) bool {
	p = strings.TrimSpace(p)
	if len(p) < 80 || strings.Contains(p, "\n") {
		return false
	}
	switch p[0] {
	case '#', '*', '-', '|', '[', '!', '>', '_', '=':
		return false
	}
	return strings.Count(p, ". ") > 0
}

// sentences splits a paragraph after each ". ".
func sentences(p string) []string {
	var out []string
	for {
		k := strings.Index(p, ". ")
		if k < 0 {
			if s := strings.TrimSpace(p); s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, strings.TrimSpace(p[:k+1]))
		p = p[k+2:]
	}
}

// synonyms are replacements policies make from one version to the next.
var synonyms = [][2]string{
	{"information", "data"}, {"collect", "gather"}, {"may", "might"}, {"partners", "third parties"},
	{"use", "process"}, {"share", "disclose"}, {"services", "products"}, {"help", "assist"},
	{"provide", "offer"}, {"improve", "enhance"}, {"account", "profile"}, {"device", "equipment"},
	{"choose", "decide"}, {"content", "material"}, {"keep", "retain"}, {"delete", "erase"},
}

// editKind is one way a synthetic version differs from the one before.
type editKind int

const (
	addSentence editKind = iota
	dropSentence
	replaceWord
	moveDate
	nextRealVersion
	returnToPrevious // the text of two versions before: a flip-flop when quick
	rebrand
)

// edit applies one small, realistic change to text and says what it did.
// It always changes the words of the text, so that the result is a new
// version.
func (d *docState) edit(text string) (string, editKind) {
	r := d.rand
	switch x := r.IntN(1000); {
	case x < 8 && d.rebrands < 1:
		d.rebrands++
		old := d.service
		d.service = d.service + " One"
		return strings.ReplaceAll(text, old, d.service), rebrand
	case x < 60 && d.family != nil && d.real+1 < len(d.family.versions):
		d.real++
		return d.withDate(nameIn(d.family.versions[d.real], d.service)), nextRealVersion
	case x < 300:
		if out, ok := d.addSentence(text); ok {
			return out, addSentence
		}
	case x < 450:
		if out, ok := d.dropSentence(text); ok {
			return out, dropSentence
		}
	case x < 800:
		if out, ok := d.replaceWord(text); ok {
			return out, replaceWord
		}
	}
	return d.moveDate(text), moveDate
}

// docState is a synthetic document as its history is generated.
type docState struct {
	rand    *rand.Rand
	service string
	family  *family
	real    int       // index of the real version the text started from
	date    time.Time // the effective date the text shows
	corpus  *corpus
	// rebrands counts the renames of the service in the text.
	rebrands int
}

// dateLine is how the texts say since when they apply.
const dateLine = "**Effective: "

func (d *docState) withDate(text string) string {
	line := dateLine + d.date.Format("January 2, 2006") + "**"
	if i := strings.Index(text, dateLine); i >= 0 {
		if j := strings.Index(text[i+len(dateLine):], "**"); j >= 0 {
			return text[:i] + line + text[i+len(dateLine)+j+2:]
		}
	}
	// After the title (its first block).
	if k := strings.Index(text, "\n\n"); k >= 0 {
		return text[:k+2] + line + "\n\n" + text[k+2:]
	}
	return line + "\n\n" + text
}

func (d *docState) moveDate(text string) string {
	d.date = d.date.AddDate(0, 0, 1+d.rand.IntN(90))
	return d.withDate(text)
}

// proseAt returns the index of a random prose paragraph, -1 if none.
func (d *docState) proseAt(blocks []string) int {
	var prose []int
	for i, b := range blocks {
		if isProse(b) {
			prose = append(prose, i)
		}
	}
	if len(prose) == 0 {
		return -1
	}
	return prose[d.rand.IntN(len(prose))]
}

func (d *docState) addSentence(text string) (string, bool) {
	blocks := paragraphs(text)
	i := d.proseAt(blocks)
	if i < 0 || len(d.corpus.sentences) == 0 {
		return text, false
	}
	s := nameIn(d.corpus.sentences[d.rand.IntN(len(d.corpus.sentences))], d.service)
	parts := sentences(blocks[i])
	k := d.rand.IntN(len(parts) + 1)
	parts = append(parts[:k], append([]string{s}, parts[k:]...)...)
	blocks[i] = strings.Join(parts, " ")
	return strings.Join(blocks, "\n\n"), true
}

func (d *docState) dropSentence(text string) (string, bool) {
	blocks := paragraphs(text)
	i := d.proseAt(blocks)
	if i < 0 {
		return text, false
	}
	parts := sentences(blocks[i])
	if len(parts) < 2 {
		return text, false
	}
	k := d.rand.IntN(len(parts))
	blocks[i] = strings.Join(append(parts[:k:k], parts[k+1:]...), " ")
	return strings.Join(blocks, "\n\n"), true
}

func (d *docState) replaceWord(text string) (string, bool) {
	blocks := paragraphs(text)
	i := d.proseAt(blocks)
	if i < 0 {
		return text, false
	}
	start := d.rand.IntN(len(synonyms))
	for n := range synonyms {
		pair := synonyms[(start+n)%len(synonyms)]
		from, to := pair[0], pair[1]
		if d.rand.IntN(2) == 0 {
			from, to = to, from
		}
		if k := wordIndex(blocks[i], from); k >= 0 {
			blocks[i] = blocks[i][:k] + to + blocks[i][k+len(from):]
			return strings.Join(blocks, "\n\n"), true
		}
	}
	return text, false
}

// wordIndex finds w in s as a whole word.
func wordIndex(s, w string) int {
	for off := 0; ; {
		k := strings.Index(s[off:], w)
		if k < 0 {
			return -1
		}
		k += off
		before := k == 0 || !isWordByte(s[k-1])
		after := k+len(w) == len(s) || !isWordByte(s[k+len(w)])
		if before && after {
			return k
		}
		off = k + len(w)
	}
}
