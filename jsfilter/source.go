package jsfilter

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dop251/goja"
	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/parser"
)

// goja runs scripts, not ES modules, so a filter file is rewritten into a
// script: its module syntax (export, import) is blanked out with spaces,
// which keeps every line and column where it was, and the file becomes the
// body of a function
//
//	(function(__pw_imports){const x=__pw_imports[0]["x"];  ...the file...
//	return {"f": f, ...};
//	})
//
// that takes the modules it imports and returns its exports. Only the first
// line's columns move (by the prefix); positions are mapped back when
// errors are reported.

// importDecl is one `import ... from 'spec'` or `export ... from 'spec'`.
type importDecl struct {
	spec     string
	line     int
	bindings []nameBinding // import: {imported, local}; re-export: {imported, exported}
	all      bool          // export * from 'spec'
	reexport bool
}

// nameBinding pairs a module's exported name with the name it takes here.
type nameBinding struct{ from, to string }

// moduleSource is a filter file ready to compile.
type moduleSource struct {
	script    string        // the wrapped script
	prefixLen int           // bytes the wrapper adds before the file's first line
	decls     []importDecl  // imports and re-exports, in source order
	locals    []nameBinding // local exports: {local binding, exported name}
}

// builtinModules are the bare module specifiers a filter may import.
var builtinModules = map[string]bool{"isomorphic-fetch": true, "node-fetch": true, "cross-fetch": true}

// translateModule rewrites a filter file's source (named name) into a
// script; errors carry line:column in the original file.
func translateModule(name, src string) (*moduleSource, error) {
	toks, err := lexSource(src)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", name, err)
	}
	body := []byte(src)
	ms := &moduleSource{}
	var declStarts []int // offsets of declarations that an `export` keyword preceded
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.depth != 0 || t.kind != tokIdent {
			continue
		}
		switch t.text {
		case "export":
			next, err := ms.export(name, src, body, toks, i)
			if err != nil {
				return nil, err
			}
			if next < 0 { // export of a declaration: only the keyword went
				declStarts = append(declStarts, toks[i+1].start)
				continue
			}
			i = next
		case "import":
			if i+1 < len(toks) && (toks[i+1].text == "(" || toks[i+1].text == ".") {
				continue // import() or import.meta: left for goja to judge
			}
			next, err := ms.importStatement(name, src, body, toks, i)
			if err != nil {
				return nil, err
			}
			i = next
		}
	}

	// Parse what is left as a script: syntax errors point at the original
	// positions, and the AST names what each exported declaration declares.
	prg, err := parser.ParseFile(nil, name, string(body), 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	for _, start := range declStarts {
		names, err := declaredNames(prg, start)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: export: %v", name, lineOf(src, start), err)
		}
		for _, n := range names {
			ms.locals = append(ms.locals, nameBinding{from: n, to: n})
		}
	}
	ms.wrap(string(body))
	return ms, nil
}

// export handles the `export` at toks[i]. It returns the index of the
// statement's last token, or -1 when the export prefixes a declaration
// (then only the keyword is blanked).
func (ms *moduleSource) export(name, src string, body []byte, toks []token, i int) (int, error) {
	t := toks[i]
	fail := func(format string, args ...any) (int, error) {
		line, col := lineCol(src, t.start)
		return 0, fmt.Errorf("%s:%d:%d: %s", name, line, col, fmt.Sprintf(format, args...))
	}
	if i+1 >= len(toks) {
		return fail("export without a declaration")
	}
	switch next := toks[i+1]; next.text {
	case "function", "async", "class", "const", "let", "var":
		blank(body, t.start, t.end)
		return -1, nil
	case "default":
		return fail("export default is not supported: Open Terms Archive looks filters up by their exported names")
	case "*":
		j := i + 2
		if j < len(toks) && toks[j].text == "as" {
			return fail("export * as NAME is not supported")
		}
		spec, j, err := fromClause(toks, j)
		if err != nil {
			return fail("export *: %v", err)
		}
		ms.decls = append(ms.decls, importDecl{spec: spec, line: lineOf(src, t.start), all: true, reexport: true})
		return blankStatement(body, toks, t.start, j), nil
	case "{":
		specs, j, err := specifierList(toks, i+1)
		if err != nil {
			return fail("export {...}: %v", err)
		}
		if j < len(toks) && toks[j].text == "from" {
			spec, k, err := fromClause(toks, j)
			if err != nil {
				return fail("export {...} from: %v", err)
			}
			ms.decls = append(ms.decls, importDecl{spec: spec, line: lineOf(src, t.start), bindings: specs, reexport: true})
			return blankStatement(body, toks, t.start, k), nil
		}
		ms.locals = append(ms.locals, specs...)
		return blankStatement(body, toks, t.start, j), nil
	default:
		return fail("unexpected %q after export", next.text)
	}
}

// importStatement handles `import ... from 'spec'` and `import 'spec'` at toks[i].
func (ms *moduleSource) importStatement(name, src string, body []byte, toks []token, i int) (int, error) {
	t := toks[i]
	fail := func(format string, args ...any) (int, error) {
		line, col := lineCol(src, t.start)
		return 0, fmt.Errorf("%s:%d:%d: import: %s", name, line, col, fmt.Sprintf(format, args...))
	}
	decl := importDecl{line: lineOf(src, t.start)}
	j := i + 1
	if j < len(toks) && toks[j].kind == tokString {
		spec, err := strconv.Unquote(toJSONQuotes(toks[j].text))
		if err != nil {
			return fail("bad module name %s", toks[j].text)
		}
		decl.spec = spec
		ms.decls = append(ms.decls, decl)
		return blankStatement(body, toks, t.start, j+1), nil
	}
	for j < len(toks) && toks[j].text != "from" {
		switch tk := toks[j]; {
		case tk.text == ",":
			j++
		case tk.text == "{":
			specs, k, err := specifierList(toks, j)
			if err != nil {
				return fail("%v", err)
			}
			decl.bindings = append(decl.bindings, specs...)
			j = k
		case tk.text == "*":
			if j+2 >= len(toks) || toks[j+1].text != "as" || toks[j+2].kind != tokIdent {
				return fail("expected * as NAME")
			}
			decl.bindings = append(decl.bindings, nameBinding{from: "*", to: toks[j+2].text})
			j += 3
		case tk.kind == tokIdent:
			decl.bindings = append(decl.bindings, nameBinding{from: "default", to: tk.text})
			j++
		default:
			return fail("unexpected %q", tk.text)
		}
	}
	spec, j, err := fromClause(toks, j)
	if err != nil {
		return fail("%v", err)
	}
	decl.spec = spec
	ms.decls = append(ms.decls, decl)
	return blankStatement(body, toks, t.start, j), nil
}

// specifierList parses `{ a, b as c }` starting at the `{` at toks[i]; it
// returns the pairs and the index after the `}`.
func specifierList(toks []token, i int) ([]nameBinding, int, error) {
	var out []nameBinding
	j := i + 1
	for j < len(toks) && toks[j].text != "}" {
		if toks[j].kind != tokIdent {
			return nil, 0, fmt.Errorf("unexpected %q in braces", toks[j].text)
		}
		b := nameBinding{from: toks[j].text, to: toks[j].text}
		j++
		if j+1 < len(toks) && toks[j].text == "as" && toks[j+1].kind == tokIdent {
			b.to = toks[j+1].text
			j += 2
		}
		out = append(out, b)
		if j < len(toks) && toks[j].text == "," {
			j++
		}
	}
	if j >= len(toks) {
		return nil, 0, fmt.Errorf("unclosed braces")
	}
	return out, j + 1, nil
}

// fromClause parses `from 'spec'` at toks[i]; it returns the module name
// and the index after it.
func fromClause(toks []token, i int) (string, int, error) {
	if i+1 >= len(toks) || toks[i].text != "from" || toks[i+1].kind != tokString {
		return "", 0, fmt.Errorf("expected from 'MODULE'")
	}
	spec, err := strconv.Unquote(toJSONQuotes(toks[i+1].text))
	if err != nil {
		return "", 0, fmt.Errorf("bad module name %s", toks[i+1].text)
	}
	return spec, i + 2, nil
}

// blankStatement blanks from start to the token before toks[next] (and a
// `;` there), returning the index of the statement's last token.
func blankStatement(body []byte, toks []token, start, next int) int {
	end := toks[next-1].end
	last := next - 1
	if next < len(toks) && toks[next].text == ";" {
		end = toks[next].end
		last = next
	}
	blank(body, start, end)
	return last
}

// blank replaces source bytes with spaces, keeping line breaks.
func blank(b []byte, start, end int) {
	for i := start; i < end; i++ {
		if b[i] != '\n' && b[i] != '\r' {
			b[i] = ' '
		}
	}
}

// toJSONQuotes turns a single-quoted JavaScript string into a double-quoted
// one strconv can read (module names have no escapes worth the name).
func toJSONQuotes(s string) string {
	if strings.HasPrefix(s, "'") {
		inner := strings.ReplaceAll(s[1:len(s)-1], `"`, `\"`)
		return `"` + strings.ReplaceAll(inner, `\'`, `'`) + `"`
	}
	return s
}

// declaredNames returns the names the first top-level statement at or
// after byte offset start declares.
func declaredNames(prg *ast.Program, start int) ([]string, error) {
	stmts := prg.Body
	k := sort.Search(len(stmts), func(k int) bool { return int(stmts[k].Idx0())-1 >= start })
	if k == len(stmts) {
		return nil, fmt.Errorf("no declaration follows")
	}
	var bindings []*ast.Binding
	switch s := stmts[k].(type) {
	case *ast.FunctionDeclaration:
		return []string{s.Function.Name.Name.String()}, nil
	case *ast.ClassDeclaration:
		return []string{s.Class.Name.Name.String()}, nil
	case *ast.LexicalDeclaration:
		bindings = s.List
	case *ast.VariableStatement:
		bindings = s.List
	default:
		return nil, fmt.Errorf("no declaration follows")
	}
	var names []string
	for _, b := range bindings {
		id, ok := b.Target.(*ast.Identifier)
		if !ok {
			return nil, fmt.Errorf("destructuring exports are not supported")
		}
		names = append(names, id.Name.String())
	}
	return names, nil
}

// wrap builds the script: the function prefix with the import bindings on
// the first line, the file, and the returned exports after its last line.
func (ms *moduleSource) wrap(body string) {
	var pre strings.Builder
	pre.WriteString("(function(__pw_imports){")
	for i, d := range ms.decls {
		if d.reexport {
			continue
		}
		for _, b := range d.bindings {
			if b.from == "*" {
				fmt.Fprintf(&pre, "const %s=__pw_imports[%d];", b.to, i)
			} else {
				fmt.Fprintf(&pre, "const %s=__pw_imports[%d][%s];", b.to, i, strconv.Quote(b.from))
			}
		}
	}
	ms.prefixLen = pre.Len()
	var post strings.Builder
	post.WriteString("\n;return {")
	for _, l := range ms.locals {
		fmt.Fprintf(&post, "%s: %s, ", strconv.Quote(l.to), l.from)
	}
	post.WriteString("};\n})")
	ms.script = pre.String() + body + post.String()
}

// syntaxError formats a goja parse error as FILE:LINE:COL: SyntaxError: MESSAGE.
func syntaxError(name, src string, err error) error {
	if list, ok := err.(parser.ErrorList); ok && len(list) > 0 {
		p := list[0].Position
		return fmt.Errorf("%s:%d:%d: SyntaxError: %s", name, p.Line, charColumn(src, p.Line, p.Column), list[0].Message)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// charColumn turns goja's byte column on a line of src into a character column.
func charColumn(src string, line, byteCol int) int {
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			return byteCol
		}
		src = src[i+1:]
	}
	if byteCol-1 > len(src) || byteCol < 1 {
		return byteCol
	}
	return len([]rune(src[:byteCol-1])) + 1
}

func lineOf(src string, offset int) int {
	line, _ := lineCol(src, offset)
	return line
}

// compileModule compiles a translated file; sources maps are never loaded.
func compileModule(name string, ms *moduleSource) (*goja.Program, error) {
	prg, err := parser.ParseFile(nil, name, ms.script, 0, parser.WithDisableSourceMaps)
	if err != nil {
		return nil, fmt.Errorf("%s: wrapping the module for goja: %v", name, err)
	}
	p, err := goja.CompileAST(prg, true)
	if err != nil {
		// Strict-mode rules the first (script) parse did not apply.
		if ce, ok := err.(*goja.CompilerSyntaxError); ok && ce.File != nil {
			pos := ce.File.Position(ce.Offset)
			col := charColumn(ms.script, pos.Line, pos.Column)
			if pos.Line == 1 {
				col -= ms.prefixLen
			}
			return nil, fmt.Errorf("%s:%d:%d: SyntaxError: %s", name, pos.Line, col, ce.Message)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return p, nil
}
