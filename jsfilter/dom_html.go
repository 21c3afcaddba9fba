package jsfilter

import (
	"strings"

	"github.com/dop251/goja"
	whatwg "github.com/nlnwa/whatwg-url/url"
	"golang.org/x/net/html"
)

// The HTML element interfaces' own members: URL-valued attributes resolved
// as browsers resolve them, and the plain string reflections filters read.

// htmlInterfaces names the interface object of each tag with its own prototype.
var htmlInterfaces = map[string]string{
	"a": "HTMLAnchorElement", "area": "HTMLAreaElement", "link": "HTMLLinkElement", "base": "HTMLBaseElement",
	"img": "HTMLImageElement", "script": "HTMLScriptElement", "iframe": "HTMLIFrameElement",
	"frame": "HTMLFrameElement", "embed": "HTMLEmbedElement", "source": "HTMLSourceElement",
	"track": "HTMLTrackElement", "audio": "HTMLAudioElement", "video": "HTMLVideoElement",
	"input": "HTMLInputElement", "meta": "HTMLMetaElement", "time": "HTMLTimeElement",
	"blockquote": "HTMLQuoteElement", "q": "HTMLQuoteElement", "del": "HTMLModElement",
	"ins": "HTMLModElement", "form": "HTMLFormElement", "object": "HTMLObjectElement",
	"title": "HTMLTitleElement", "style": "HTMLStyleElement", "template": "HTMLTemplateElement",
}

// tagMembers lists per tag: URL-valued attributes and string-valued ones
// ("prop=content-attribute" when the names differ).
var tagMembers = map[string]struct{ urls, strings []string }{
	"a":          {[]string{"href"}, []string{"target", "rel", "download", "hreflang", "type", "name", "referrerPolicy=referrerpolicy"}},
	"area":       {[]string{"href"}, []string{"target", "rel", "download", "alt", "coords", "shape"}},
	"link":       {[]string{"href"}, []string{"rel", "type", "media", "hreflang", "as", "crossOrigin=crossorigin"}},
	"base":       {[]string{"href"}, []string{"target"}},
	"img":        {[]string{"src"}, []string{"alt", "srcset", "sizes", "useMap=usemap", "loading", "decoding", "crossOrigin=crossorigin"}},
	"script":     {[]string{"src"}, []string{"type", "charset", "crossOrigin=crossorigin", "integrity"}},
	"iframe":     {[]string{"src"}, []string{"srcdoc", "name", "allow"}},
	"frame":      {[]string{"src"}, []string{"name"}},
	"embed":      {[]string{"src"}, []string{"type"}},
	"source":     {[]string{"src"}, []string{"type", "srcset", "sizes", "media"}},
	"track":      {[]string{"src"}, []string{"kind", "srclang", "label"}},
	"audio":      {[]string{"src"}, []string{"preload"}},
	"video":      {[]string{"src", "poster"}, []string{"preload"}},
	"input":      {[]string{"src"}, []string{"name", "type", "placeholder", "alt"}},
	"meta":       {nil, []string{"content", "name", "httpEquiv=http-equiv", "charset"}},
	"time":       {nil, []string{"dateTime=datetime"}},
	"blockquote": {[]string{"cite"}, nil},
	"q":          {[]string{"cite"}, nil},
	"del":        {[]string{"cite"}, []string{"dateTime=datetime"}},
	"ins":        {[]string{"cite"}, []string{"dateTime=datetime"}},
	"form":       {[]string{"action"}, []string{"name", "method", "target"}},
	"object":     {[]string{"data"}, []string{"type", "name"}},
	"title":      {nil, nil},
	"style":      {nil, []string{"media"}},
	"template":   {nil, nil},
}

func (d *dom) setupHTMLElements() {
	vm := d.vm
	h := d.proto.htmlElement
	for _, a := range []string{"title", "lang", "dir", "accessKey=accesskey", "translate"} {
		prop, content := splitMember(a)
		d.reflect(h, prop, content)
	}
	d.attr(h, "hidden", func(n *html.Node) goja.Value { return vm.ToValue(hasAttr(n, "hidden")) }, func(n *html.Node, v goja.Value) {
		if v.ToBoolean() {
			setAttr(n, "hidden", "")
		} else {
			removeAttr(n, "hidden")
		}
	})
	for tag, m := range tagMembers {
		p, ok := d.proto.byTag[tag]
		if !ok {
			p = d.vm.CreateObject(h)
			d.proto.byTag[tag] = p
		}
		for _, u := range m.urls {
			d.urlAttr(p, u)
		}
		for _, s := range m.strings {
			prop, content := splitMember(s)
			d.reflect(p, prop, content)
		}
	}
	// An anchor's text is its text content; a script's text too.
	for _, tag := range []string{"a", "script", "title"} {
		d.attr(d.proto.byTag[tag], "text", func(n *html.Node) goja.Value { return vm.ToValue(textContent(n)) }, func(n *html.Node, v goja.Value) {
			s := d.capString(str(v, false), "text")
			var t *html.Node
			if s != "" {
				t = &html.Node{Type: html.TextNode, Data: s}
			}
			d.replaceChildren(n, t)
		})
	}
	for _, tag := range []string{"a", "area"} {
		d.hyperlinkParts(d.proto.byTag[tag])
	}
	d.attr(d.proto.byTag["template"], "content", func(n *html.Node) goja.Value {
		panic(d.unsupported("HTMLTemplateElement.content"))
	}, nil)
}

func splitMember(s string) (prop, content string) {
	if i := strings.IndexByte(s, '='); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, strings.ToLower(s)
}

// resolveAttr is a URL-valued attribute as its IDL attribute returns it: the
// value parsed against the document base URL and serialised, the value as
// written when it does not parse, "" when absent.
func (d *dom) resolveAttr(n *html.Node, content string) (string, *whatwg.Url) {
	v, ok := getAttr(n, content)
	if !ok {
		return "", nil
	}
	u, err := d.parseURL(v, d.baseURL)
	if err != nil {
		return v, nil
	}
	return u.Href(false), u
}

// urlAttr defines a URL-valued attribute: the getter resolves, the setter
// stores what it is given.
func (d *dom) urlAttr(p *goja.Object, content string) {
	d.attr(p, content, func(n *html.Node) goja.Value {
		s, _ := d.resolveAttr(n, content)
		return d.vm.ToValue(s)
	}, func(n *html.Node, v goja.Value) {
		setAttr(n, content, d.capString(str(v, false), content))
	})
}

// hyperlinkParts defines HTMLHyperlinkElementUtils' URL parts of <a> and <area>.
func (d *dom) hyperlinkParts(p *goja.Object) {
	parts := []struct {
		name string
		get  func(u *whatwg.Url) string
		set  func(u *whatwg.Url, v string)
	}{
		{"origin", urlOrigin, nil},
		{"protocol", (*whatwg.Url).Protocol, (*whatwg.Url).SetProtocol},
		{"username", (*whatwg.Url).Username, (*whatwg.Url).SetUsername},
		{"password", (*whatwg.Url).Password, (*whatwg.Url).SetPassword},
		{"host", (*whatwg.Url).Host, (*whatwg.Url).SetHost},
		{"hostname", (*whatwg.Url).Hostname, (*whatwg.Url).SetHostname},
		{"port", (*whatwg.Url).Port, (*whatwg.Url).SetPort},
		{"pathname", (*whatwg.Url).Pathname, (*whatwg.Url).SetPathname},
		{"search", (*whatwg.Url).Search, (*whatwg.Url).SetSearch},
		{"hash", (*whatwg.Url).Hash, (*whatwg.Url).SetHash},
	}
	for _, part := range parts {
		part := part
		var set func(n *html.Node, v goja.Value)
		if part.set != nil {
			set = func(n *html.Node, v goja.Value) {
				// As browsers: a link whose URL does not parse ignores the change.
				if _, u := d.resolveAttr(n, "href"); u != nil {
					part.set(u, str(v, false))
					setAttr(n, "href", u.Href(false))
				}
			}
		}
		d.attr(p, part.name, func(n *html.Node) goja.Value {
			_, u := d.resolveAttr(n, "href")
			if u == nil {
				if part.name == "origin" {
					return d.vm.ToValue("null")
				}
				return d.vm.ToValue("")
			}
			return d.vm.ToValue(part.get(u))
		}, set)
	}
}

// urlOrigin serialises a URL's origin as the URL standard does.
func urlOrigin(u *whatwg.Url) string {
	switch u.Scheme() {
	case "http", "https", "ws", "wss", "ftp":
		return u.Protocol() + "//" + u.Host()
	case "blob":
		if inner, err := whatwg.Parse(u.Pathname()); err == nil && (inner.Scheme() == "http" || inner.Scheme() == "https") {
			return urlOrigin(inner)
		}
	}
	return "null"
}
