package extract

import "golang.org/x/net/html"

// labelKind says which document a part's label names.
type labelKind uint8

const (
	namesNone  labelKind = iota
	namesOurs            // the declared type
	namesOther           // another type only
)

// labelInfo is what a part's label says.
type labelInfo struct {
	text string
	// node is the element the label was read from, if any.
	node  *html.Node
	kind  labelKind
	other string // the other type named, for namesOther
	// score ranks labels naming the declared type: 3 its title with at
	// most two other words ("X Privacy Policy"), 2 its title in a longer
	// label, 1 a keyword only ("Privacy & Terms").
	score int
	// titleAlone: the label is the declared type's title and names no
	// other type, so that what it heads is that document.
	titleAlone bool
	// keywordOnly: the type the label names is named by a keyword alone
	// ("Cookies", "Privacy"): the name of a document on a tab, of a topic
	// in a section heading.
	keywordOnly   bool
	summary, full bool
	// lang is the language the label names ("Français") or is written in
	// ("Politique de confidentialité"); "" when it does not say.
	lang string
	// language: the label is a language's name (a language tab).
	language bool
}

// classifyLabel reads a label against the declared type's names and the
// words of summaries, full texts and languages.
func classifyLabel(text string, t DocumentType) labelInfo {
	return classifyTokens(text, labelTokens(text), t)
}

// classifyTokens is classifyLabel of a label already split into tokens.
func classifyTokens(text string, tokens []string, t DocumentType) labelInfo {
	info := labelInfo{text: text}
	if len(tokens) == 0 {
		return info
	}
	if lang := languageOfLabel(text, tokens); lang != "" {
		info.lang, info.language = lang, true
		return info
	}
	summaryLang := ""
	for _, m := range labelWords.find(tokens) {
		info.summary = info.summary || m.meaning.Summary
		info.full = info.full || m.meaning.Full
		summaryLang = m.meaning.Lang
	}
	if t.known() {
		otherNamed, oursTitle, otherTitle := false, false, false
		for _, m := range t.Names.phrases.find(tokens) {
			if m.meaning.Type == t.Name {
				score := 1
				if !m.keyword {
					score = 2
					if len(tokens)-(m.end-m.start) <= 2 {
						score = 3
					}
				}
				if score > info.score {
					info.score = score
				}
				oursTitle = oursTitle || !m.keyword
				info.kind = namesOurs
				if m.meaning.Lang != "" && info.lang == "" {
					info.lang = m.meaning.Lang
				}
				continue
			}
			if info.other == "" {
				info.other = m.meaning.Type
			}
			otherNamed = true
			otherTitle = otherTitle || !m.keyword
			if m.meaning.Lang != "" && info.lang == "" {
				info.lang = m.meaning.Lang
			}
		}
		if info.kind != namesOurs && otherNamed {
			info.kind = namesOther
		}
		info.keywordOnly = info.kind == namesOurs && !oursTitle || info.kind == namesOther && !otherTitle
		info.titleAlone = info.kind == namesOurs && info.score >= 2 && !otherNamed && !info.summary
	}
	if info.lang == "" {
		info.lang = summaryLang
	}
	return info
}
