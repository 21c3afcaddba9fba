package declaration

import (
	"sync"

	"github.com/policywatch/policywatch/extract"
)

// How pages title each type, in the languages the extractor reads a
// legal hub in (English, French, German, Spanish, Italian, Portuguese,
// Dutch): the tabs, accordion titles and headings of a page holding
// several documents name them so. Every type is also known by its
// canonical name and Open Terms Archive's aliases (termsTypes); the types
// below are those legal hubs hold.
//
// titles are a document's names of their own; keywords name the type
// inside a longer label ("Privacy & Terms") and match the start of a word
// ("Datenschutz" in "Datenschutzerklärung").
type typeTitles struct {
	titles, keywords map[string][]string // by language
}

var localTitles = map[string]typeTitles{
	"Terms of Service": {
		titles: map[string][]string{
			"en": {"terms of service", "terms and conditions", "terms & conditions", "terms of use", "user agreement", "conditions of use", "general terms", "user terms"},
			"fr": {"conditions générales d'utilisation", "conditions d'utilisation", "conditions générales", "cgu", "conditions de service"},
			"de": {"nutzungsbedingungen", "allgemeine geschäftsbedingungen", "agb", "geschäftsbedingungen", "servicebedingungen"},
			"es": {"términos y condiciones", "términos de servicio", "términos de uso", "condiciones de uso", "condiciones generales", "condiciones del servicio"},
			"it": {"termini di servizio", "termini e condizioni", "termini d'uso", "termini di utilizzo", "condizioni d'uso", "condizioni generali", "condizioni di utilizzo"},
			"pt": {"termos de serviço", "termos e condições", "termos de uso", "termos de utilização", "condições de uso", "condições gerais"},
			"nl": {"servicevoorwaarden", "algemene voorwaarden", "gebruiksvoorwaarden", "voorwaarden"},
		},
		keywords: map[string][]string{"en": {"terms"}, "es": {"términos"}, "it": {"termini"}, "pt": {"termos"}},
	},
	"Privacy Policy": {
		titles: map[string][]string{
			"en": {"privacy policy", "privacy notice", "privacy statement", "data policy", "data protection policy", "data protection notice", "privacy information"},
			"fr": {"politique de confidentialité", "politique de protection des données", "déclaration de confidentialité", "avis de confidentialité", "charte de confidentialité", "politique de vie privée", "protection des données personnelles", "charte de protection des données"},
			"de": {"datenschutzerklärung", "datenschutzrichtlinie", "datenschutzrichtlinien", "datenschutzhinweise", "datenschutzbestimmungen", "datenschutzinformationen", "datenschutzerklaerung"},
			"es": {"política de privacidad", "aviso de privacidad", "declaración de privacidad", "política de protección de datos", "aviso de protección de datos"},
			"it": {"informativa sulla privacy", "informativa privacy", "politica sulla privacy", "informativa sul trattamento dei dati", "informativa sulla protezione dei dati"},
			"pt": {"política de privacidade", "aviso de privacidade", "declaração de privacidade", "política de proteção de dados", "política de proteção de dados pessoais"},
			"nl": {"privacybeleid", "privacyverklaring", "privacyreglement", "privacystatement"},
		},
		keywords: map[string][]string{
			"":   {"privacy"},
			"en": {"data protection"},
			"fr": {"confidentialité", "vie privée", "données personnelles"},
			"de": {"datenschutz"},
			"es": {"privacidad", "protección de datos"},
			"it": {"riservatezza", "protezione dei dati"},
			"pt": {"privacidade", "proteção de dados"},
			"nl": {"gegevensbescherming"},
		},
	},
	"Trackers Policy": {
		titles: map[string][]string{
			"":   {"cookie policy", "cookies policy", "uso de cookies"},
			"en": {"cookie notice", "cookies notice", "cookie statement", "trackers policy", "tracking policy", "use of cookies", "our use of cookies", "how cookies are used", "how we use cookies", "cookies and similar technologies"},
			"fr": {"politique de cookies", "politique relative aux cookies", "politique des cookies", "politique en matière de cookies", "gestion des cookies", "politique de traceurs", "politique relative aux traceurs", "utilisation des cookies", "comment nous utilisons les cookies"},
			"de": {"cookie richtlinie", "cookie richtlinien", "cookie hinweise", "cookie erklärung", "cookie politik", "cookie informationen", "verwendung von cookies", "wie wir cookies verwenden"},
			"es": {"política de cookies", "aviso de cookies", "política de cookies y tecnologías similares", "cómo utilizamos las cookies"},
			"it": {"informativa sui cookie", "politica sui cookie", "informativa cookie", "uso dei cookie", "utilizzo dei cookie", "come utilizziamo i cookie"},
			"pt": {"política de cookies", "aviso de cookies", "política de cookies e tecnologias semelhantes", "utilização de cookies", "como usamos cookies"},
			"nl": {"cookiebeleid", "cookieverklaring", "gebruik van cookies", "hoe wij cookies gebruiken"},
		},
		keywords: map[string][]string{"": {"cookie"}, "en": {"trackers"}, "fr": {"traceurs"}},
	},
	"Imprint": {
		titles: map[string][]string{
			"en": {"imprint", "legal notice", "legal notices", "site notice"},
			"fr": {"mentions légales"},
			"de": {"impressum"},
			"es": {"aviso legal"},
			"it": {"note legali"},
			"pt": {"aviso legal", "informação legal", "ficha técnica"},
			"nl": {"colofon", "juridische kennisgeving"},
		},
	},
	"Acceptable Use Policy": {
		titles: map[string][]string{
			"en": {"acceptable use policy", "acceptable usage policy", "fair use policy", "acceptable use"},
			"fr": {"politique d'utilisation acceptable", "politique d'usage acceptable"},
			"de": {"richtlinie zur akzeptablen nutzung", "richtlinie zur zulässigen nutzung", "nutzungsrichtlinie", "nutzungsrichtlinien"},
			"es": {"política de uso aceptable"},
			"it": {"politica di utilizzo accettabile", "norme di utilizzo accettabile"},
			"pt": {"política de uso aceitável", "política de utilização aceitável"},
			"nl": {"beleid voor aanvaardbaar gebruik", "beleid inzake aanvaardbaar gebruik"},
		},
	},
	"Community Guidelines": {
		titles: map[string][]string{
			"en": {"community guidelines", "community standards", "community rules"},
			"fr": {"règles de la communauté", "charte de la communauté", "standards de la communauté", "règles communautaires"},
			"de": {"community richtlinien", "gemeinschaftsrichtlinien", "gemeinschaftsstandards"},
			"es": {"normas de la comunidad", "directrices de la comunidad", "normas comunitarias"},
			"it": {"linee guida della community", "regole della community", "standard della community"},
			"pt": {"diretrizes da comunidade", "padrões da comunidade", "regras da comunidade"},
			"nl": {"communityrichtlijnen", "gemeenschapsrichtlijnen"},
		},
	},
	"Data Processor Agreement": {
		titles: map[string][]string{
			"en": {"data processing agreement", "data processor agreement", "data processing addendum", "data processing terms", "dpa"},
			"fr": {"accord de traitement des données", "contrat de sous traitance", "accord de sous traitance", "accord relatif au traitement des données", "avenant relatif au traitement des données"},
			"de": {"auftragsverarbeitungsvertrag", "vertrag zur auftragsverarbeitung", "auftragsverarbeitung", "avv"},
			"es": {"acuerdo de tratamiento de datos", "contrato de encargado del tratamiento", "anexo de tratamiento de datos"},
			"it": {"accordo sul trattamento dei dati", "nomina a responsabile del trattamento", "accordo per il trattamento dei dati"},
			"pt": {"acordo de processamento de dados", "acordo de tratamento de dados", "contrato de tratamento de dados"},
			"nl": {"verwerkersovereenkomst"},
		},
	},
	"Data Controller Agreement": {
		titles: map[string][]string{
			"en": {"data controller agreement", "controller to controller agreement", "joint controller agreement", "controller terms"},
			"fr": {"accord de responsabilité conjointe", "accord de responsable de traitement"},
			"de": {"vereinbarung über gemeinsame verantwortlichkeit", "gemeinsame verantwortlichkeit"},
			"es": {"acuerdo de corresponsabilidad", "acuerdo de responsable del tratamiento"},
			"it": {"accordo di contitolarità", "accordo tra titolari del trattamento"},
			"pt": {"acordo de controlador de dados", "acordo de responsáveis conjuntos"},
			"nl": {"overeenkomst gezamenlijke verwerkingsverantwoordelijken"},
		},
	},
	"Copyright Claims Policy": {
		titles: map[string][]string{
			"en": {"copyright policy", "copyright claims policy", "copyright infringement policy", "intellectual property policy", "dmca policy", "dmca"},
			"fr": {"politique en matière de droits d'auteur", "politique relative aux droits d'auteur", "propriété intellectuelle", "droits d'auteur"},
			"de": {"urheberrechtsrichtlinie", "urheberrecht", "geistiges eigentum"},
			"es": {"política de derechos de autor", "derechos de autor", "propiedad intelectual"},
			"it": {"politica sul diritto d'autore", "diritto d'autore", "proprietà intellettuale"},
			"pt": {"política de direitos autorais", "direitos autorais", "direitos de autor", "propriedade intelectual"},
			"nl": {"auteursrechtbeleid", "auteursrecht", "intellectueel eigendom"},
		},
		keywords: map[string][]string{"en": {"copyright"}},
	},
	"Developer Terms": {
		titles: map[string][]string{
			"en": {"developer terms", "developer policy", "developer agreement", "api terms", "api terms of use"},
			"fr": {"conditions des développeurs", "conditions applicables aux développeurs", "conditions d'utilisation de l'api"},
			"de": {"entwicklerbedingungen", "entwicklervereinbarung", "api nutzungsbedingungen"},
			"es": {"términos para desarrolladores", "condiciones para desarrolladores"},
			"it": {"termini per gli sviluppatori", "condizioni per gli sviluppatori"},
			"pt": {"termos do desenvolvedor", "termos para desenvolvedores"},
			"nl": {"ontwikkelaarsvoorwaarden"},
		},
	},
	"Commercial Terms": {
		titles: map[string][]string{
			"en": {"commercial terms", "business terms", "enterprise terms"},
			"fr": {"conditions commerciales"},
			"de": {"geschäftliche bedingungen", "kommerzielle bedingungen"},
			"es": {"condiciones comerciales", "términos comerciales"},
			"it": {"condizioni commerciali", "termini commerciali"},
			"pt": {"termos comerciais", "condições comerciais"},
			"nl": {"commerciële voorwaarden", "zakelijke voorwaarden"},
		},
	},
	"General Conditions of Sale": {
		titles: map[string][]string{
			"en": {"general conditions of sale", "terms of sale", "conditions of sale", "terms and conditions of sale"},
			"fr": {"conditions générales de vente", "cgv"},
			"de": {"verkaufsbedingungen", "allgemeine verkaufsbedingungen"},
			"es": {"condiciones generales de venta", "condiciones de venta"},
			"it": {"condizioni generali di vendita", "condizioni di vendita"},
			"pt": {"condições gerais de venda", "condições de venda"},
			"nl": {"algemene verkoopvoorwaarden", "verkoopvoorwaarden"},
		},
	},
	"Accessibility Statement": {
		titles: map[string][]string{
			"en": {"accessibility statement", "accessibility policy", "accessibility"},
			"fr": {"déclaration d'accessibilité", "accessibilité"},
			"de": {"erklärung zur barrierefreiheit", "barrierefreiheit"},
			"es": {"declaración de accesibilidad", "accesibilidad"},
			"it": {"dichiarazione di accessibilità", "accessibilità"},
			"pt": {"declaração de acessibilidade", "acessibilidade"},
			"nl": {"toegankelijkheidsverklaring", "toegankelijkheid"},
		},
	},
	"Complaints Policy": {
		titles: map[string][]string{
			"en": {"complaints policy", "complaints procedure", "complaint handling"},
			"fr": {"politique de réclamation", "traitement des réclamations", "gestion des réclamations"},
			"de": {"beschwerdeverfahren", "beschwerdemanagement"},
			"es": {"política de reclamaciones", "procedimiento de reclamaciones"},
			"it": {"politica dei reclami", "gestione dei reclami"},
			"pt": {"política de reclamações", "procedimento de reclamações"},
			"nl": {"klachtenprocedure", "klachtenbeleid"},
		},
	},
	"Vulnerability Disclosure Policy": {
		titles: map[string][]string{
			"en": {"vulnerability disclosure policy", "security disclosure policy", "responsible disclosure"},
			"fr": {"politique de divulgation des vulnérabilités", "divulgation responsable"},
			"de": {"richtlinie zur offenlegung von schwachstellen", "verantwortungsvolle offenlegung"},
			"es": {"política de divulgación de vulnerabilidades", "divulgación responsable"},
			"it": {"politica di divulgazione delle vulnerabilità", "divulgazione responsabile"},
			"pt": {"política de divulgação de vulnerabilidades", "divulgação responsável"},
			"nl": {"responsible disclosure beleid", "coordinated vulnerability disclosure"},
		},
	},
	"Law Enforcement Guidelines": {
		titles: map[string][]string{
			"en": {"law enforcement guidelines", "legal process guidelines", "guidelines for law enforcement"},
			"fr": {"directives pour les forces de l'ordre", "lignes directrices pour les autorités"},
			"de": {"richtlinien für strafverfolgungsbehörden"},
			"es": {"directrices para las fuerzas del orden"},
			"it": {"linee guida per le forze dell'ordine"},
			"pt": {"diretrizes para autoridades policiais"},
			"nl": {"richtlijnen voor wetshandhaving"},
		},
	},
}

var (
	typeNamesOnce sync.Once
	typeNames     *extract.TypeNames
)

// allTypeNames indexes every type's names once: canonical names, Open
// Terms Archive's aliases, and the titles above.
func allTypeNames() *extract.TypeNames {
	typeNamesOnce.Do(func() {
		var names []extract.TypeName
		for _, t := range termsTypes {
			names = append(names, extract.TypeName{Type: t.name, Text: t.name})
			for _, a := range t.aliases {
				names = append(names, extract.TypeName{Type: t.name, Text: a})
			}
			local := localTitles[t.name]
			for lang, titles := range local.titles {
				for _, title := range titles {
					names = append(names, extract.TypeName{Type: t.name, Text: title, Lang: lang})
				}
			}
			for lang, words := range local.keywords {
				for _, w := range words {
					names = append(names, extract.TypeName{Type: t.name, Text: w, Lang: lang, Keyword: true})
				}
			}
		}
		typeNames = extract.NewTypeNames(names)
	})
	return typeNames
}

// ExtractionType is the document type name (canonical, alias or retired,
// as CanonicalType reads it) as the extractor looks for it on a page that
// holds several documents: extract.Options.Type. ok is false for a type
// Open Terms Archive does not know; the extractor then looks for none.
func ExtractionType(name string) (extract.DocumentType, bool) {
	canonical, ok := CanonicalType(name)
	if !ok {
		return extract.DocumentType{}, false
	}
	return extract.DocumentType{Name: canonical, Names: allTypeNames()}, true
}
