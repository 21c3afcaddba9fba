package extract

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A legal hub's tabs, accordion titles and headings name the documents
// they hold: "Privacy Policy", "Politique de confidentialité",
// "Nutzungsbedingungen". The declaration package knows Open Terms
// Archive's types and how pages title them; it hands them to the
// extractor as TypeNames, which this file matches labels against.

// TypeName is one way pages title a document type.
type TypeName struct {
	// Type is the canonical type the name stands for: "Privacy Policy".
	Type string
	// Text is the name as pages write it: "Politique de confidentialité".
	// Case, accents kept or not, hyphens and apostrophes do not matter.
	Text string
	// Lang is the primary language subtag of the name ("fr"), "" when the
	// name is the same in several languages ("Cookie Policy").
	Lang string
	// Keyword marks a word that names the type inside a longer label
	// ("Privacy" in "Privacy & Terms", "Datenschutz" as the start of
	// "Datenschutzerklärung") rather than a title of its own. A keyword
	// matches the start of a word; a title matches whole words.
	Keyword bool
}

// TypeNames indexes the names of every type, so that a label is matched
// against all of them at once. Build it once (NewTypeNames) and share it.
type TypeNames struct {
	phrases phraseIndex
}

// NewTypeNames indexes names.
func NewTypeNames(names []TypeName) *TypeNames {
	t := &TypeNames{}
	for _, n := range names {
		t.phrases.add(n.Text, phraseMeaning{Type: n.Type, Lang: n.Lang}, n.Keyword)
	}
	return t
}

// DocumentType is the declared document's type, as the extractor looks
// for it on a page that holds several documents (Options.Type). The zero
// value looks for no type.
type DocumentType struct {
	Name  string     // canonical name: "Privacy Policy"
	Names *TypeNames // the names of every type, this one's included
}

func (t DocumentType) known() bool { return t.Name != "" && t.Names != nil }

// phraseMeaning is what a phrase says about the part it labels.
type phraseMeaning struct {
	Type string // a document type, or "" for the words below
	Lang string
	// Summary and Full mark the words of a short version ("at a glance")
	// and of the full text ("full text").
	Summary, Full bool
}

// phrase is one indexed name, as tokens.
type phrase struct {
	tokens  []string
	keyword bool
	prefix  bool // a one-word keyword: it may be the start of a longer word
	meaning phraseMeaning
}

// phraseIndex finds phrases in a label's tokens: whole-word phrases by
// their first token, prefix keywords by their first four bytes.
type phraseIndex struct {
	byFirst  map[string][]phrase
	byPrefix map[string][]phrase
}

const prefixKey = 4

func (x *phraseIndex) add(text string, m phraseMeaning, keyword bool) {
	tokens := labelTokens(text)
	if len(tokens) == 0 {
		return
	}
	p := phrase{tokens: tokens, keyword: keyword, prefix: keyword && len(tokens) == 1 && len(tokens[0]) >= prefixKey, meaning: m}
	if p.prefix {
		if x.byPrefix == nil {
			x.byPrefix = map[string][]phrase{}
		}
		key := tokens[0][:prefixKey]
		x.byPrefix[key] = append(x.byPrefix[key], p)
		return
	}
	if x.byFirst == nil {
		x.byFirst = map[string][]phrase{}
	}
	x.byFirst[tokens[0]] = append(x.byFirst[tokens[0]], p)
}

// phraseMatch is one phrase found in a label: tokens start to end.
type phraseMatch struct {
	start, end int
	meaning    phraseMeaning
	keyword    bool
}

// find returns every phrase found in tokens, leaving out those lying
// inside a longer one ("privacy policy" inside "business privacy policy").
func (x *phraseIndex) find(tokens []string) []phraseMatch {
	var found []phraseMatch
	for i, tok := range tokens {
		for _, p := range x.byFirst[tok] {
			if i+len(p.tokens) <= len(tokens) && equalTokens(tokens[i:i+len(p.tokens)], p.tokens) {
				found = append(found, phraseMatch{start: i, end: i + len(p.tokens), meaning: p.meaning, keyword: p.keyword})
			}
		}
		if len(tok) >= prefixKey {
			for _, p := range x.byPrefix[tok[:prefixKey]] {
				if strings.HasPrefix(tok, p.tokens[0]) {
					found = append(found, phraseMatch{start: i, end: i + 1, meaning: p.meaning, keyword: true})
				}
			}
		}
	}
	if len(found) < 2 {
		return found
	}
	kept := found[:0:0]
	for i, m := range found {
		inside := false
		for j, o := range found {
			if i != j && o.start <= m.start && m.end <= o.end && (o.end-o.start > m.end-m.start || (o.end-o.start == m.end-m.start && !o.keyword && m.keyword)) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, m)
		}
	}
	return kept
}

func equalTokens(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// labelTokens splits a label into lower-case words: letters and digits,
// everything else (spaces, hyphens, apostrophes, punctuation) parting
// words. "Conditions d’utilisation" gives conditions, d, utilisation.
func labelTokens(s string) []string {
	return appendLabelTokens(nil, s)
}

// appendLabelTokens appends the tokens of s to tokens. A token is a
// substring of s unless it has upper-case letters.
func appendLabelTokens(tokens []string, s string) []string {
	eachLabelToken(s, func(tok string) { tokens = append(tokens, tok) })
	return tokens
}

// eachLabelToken calls use with every token of s, in order, lower-cased.
func eachLabelToken(s string, use func(tok string)) {
	start, lower := -1, true
	end := func(i int) {
		if start >= 0 {
			tok := s[start:i]
			if !lower {
				tok = strings.ToLower(tok)
			}
			use(tok)
			start, lower = -1, true
		}
	}
	for i, r := range s {
		var word bool
		if r < utf8.RuneSelf {
			word = 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
			if 'A' <= r && r <= 'Z' {
				word, lower = true, false
			}
		} else if word = unicode.IsLetter(r) || unicode.IsDigit(r); word && unicode.ToLower(r) != r {
			lower = false
		}
		switch {
		case word && start < 0:
			start = i
		case !word:
			end(i)
		}
	}
	end(len(s))
}

// labelWords are the words every page uses around documents, whatever the
// declared type: the short version of a text, its full version.
var labelWords = func() *phraseIndex {
	x := &phraseIndex{}
	summary := map[string][]string{
		"en": {"at a glance", "summary", "in short", "in brief", "overview", "key points", "highlights", "tl dr", "tldr", "short version", "the basics", "quick read"},
		"fr": {"en bref", "résumé", "en résumé", "l essentiel", "aperçu", "synthèse", "en un coup d œil"},
		"de": {"auf einen blick", "zusammenfassung", "kurzfassung", "überblick", "das wichtigste in kürze", "kurz erklärt"},
		"es": {"resumen", "en resumen", "de un vistazo", "en pocas palabras", "lo esencial"},
		"it": {"in breve", "riepilogo", "sintesi", "in sintesi", "panoramica"},
		"pt": {"resumo", "em resumo", "em poucas palavras", "visão geral", "num relance"},
		"nl": {"samenvatting", "in het kort", "in een oogopslag", "overzicht", "kort samengevat"},
	}
	full := map[string][]string{
		"en": {"full text", "full version", "full policy", "complete text", "complete version", "full terms"},
		"fr": {"texte intégral", "version complète", "texte complet", "version intégrale"},
		"de": {"vollständige fassung", "volltext", "langfassung", "vollständiger text", "vollständige version"},
		"es": {"texto completo", "versión completa", "texto íntegro"},
		"it": {"testo completo", "versione completa", "testo integrale"},
		"pt": {"texto completo", "versão completa", "texto integral"},
		"nl": {"volledige tekst", "volledige versie"},
	}
	for lang, words := range summary {
		for _, w := range words {
			x.add(w, phraseMeaning{Summary: true, Lang: lang}, false)
		}
	}
	for lang, words := range full {
		for _, w := range words {
			x.add(w, phraseMeaning{Full: true, Lang: lang}, false)
		}
	}
	return x
}()

// languageLabels are the labels of language tabs and switches: each
// language's name in itself, in English and in the other languages read
// here, and its code.
var languageLabels = map[string]string{
	"english": "en", "anglais": "en", "englisch": "en", "inglés": "en", "ingles": "en", "inglese": "en", "inglês": "en", "engels": "en", "en": "en",
	"français": "fr", "francais": "fr", "french": "fr", "französisch": "fr", "francés": "fr", "frances": "fr", "francese": "fr", "francês": "fr", "frans": "fr", "fr": "fr",
	"deutsch": "de", "german": "de", "allemand": "de", "alemán": "de", "aleman": "de", "tedesco": "de", "alemão": "de", "duits": "de", "de": "de",
	"español": "es", "espanol": "es", "spanish": "es", "espagnol": "es", "spanisch": "es", "spagnolo": "es", "espanhol": "es", "spaans": "es", "castellano": "es", "es": "es",
	"italiano": "it", "italian": "it", "italien": "it", "italienisch": "it", "italiaans": "it", "it": "it",
	"português": "pt", "portugues": "pt", "portuguese": "pt", "portugais": "pt", "portugiesisch": "pt", "portugués": "pt", "portoghese": "pt", "portugees": "pt", "pt": "pt",
	"nederlands": "nl", "dutch": "nl", "néerlandais": "nl", "niederländisch": "nl", "neerlandés": "nl", "olandese": "nl", "holandês": "nl", "nl": "nl",
}

// languageOfLabel is the language a tab or heading names when it is a
// language's name or code, alone or with a region after a bracket or a
// dash ("English (US)", "Français – Canada", "EN"); "" otherwise, also for
// "English users" or "En bref".
func languageOfLabel(text string, tokens []string) string {
	if len(tokens) == 0 || len(tokens) > 4 {
		return ""
	}
	lang := languageLabels[tokens[0]]
	if lang == "" || len(tokens) == 1 {
		return lang
	}
	rest := strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	rest = strings.TrimLeftFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if rest != "" && strings.ContainsRune("([-–—/|,·", []rune(rest)[0]) {
		return lang
	}
	return ""
}

// primaryLanguage is the primary subtag of a language tag: "fr" for
// "fr-CA" or "FR_fr"; "" for an empty or malformed tag.
func primaryLanguage(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) {
			return ""
		}
	}
	return strings.ToLower(tag)
}

// urlLanguageParams are the query parameters that name a page's language.
var urlLanguageParams = []string{"lang", "hl", "locale", "language", "lng"}

// languageOfURL is the language a page's URL names, among those whose
// names are read here: a first path segment such as /fr/ or /fr-ca/, or a
// query parameter such as ?hl=fr. "" when it names none.
func languageOfURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	known := func(tag string) string {
		lang := primaryLanguage(tag)
		if lang != "" && len(lang) == 2 && languageLabels[lang] == lang && (len(tag) == 2 || len(tag) == 5) {
			return lang
		}
		return ""
	}
	query := u.Query()
	for _, p := range urlLanguageParams {
		if lang := known(query.Get(p)); lang != "" {
			return lang
		}
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	for _, s := range segments[:min(len(segments), 2)] {
		if lang := known(s); lang != "" {
			return lang
		}
	}
	return ""
}
