package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// refusalSite is one message the code refuses with, and where.
type refusalSite struct {
	format string // "" when the message is not a literal
	where  string
}

// passThrough names messages that are another error's message handed on
// (ve.Message, se.Message): the original is what gets translated.
func passThrough(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Message"
}

// consts are the string constants of the file being scanned.
var consts = map[string]string{}

// literal folds a string literal, a constant, or a sum of them, into its
// value; fmt.Sprintf(format, …) gives its format.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.CallExpr:
		if isFunc(e.Fun, "fmt", "Sprintf") && len(e.Args) > 0 {
			return literal(e.Args[0])
		}
		return "", false
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, ok1 := literal(e.X)
		r, ok2 := literal(e.Y)
		return l + r, ok1 && ok2
	case *ast.ParenExpr:
		return literal(e.X)
	}
	return "", false
}

func isFunc(fun ast.Expr, pkg, name string) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}

// isCompositeOf matches pkg.Typ{…} and, inside package pkg, Typ{…}.
func isCompositeOf(lit *ast.CompositeLit, file *ast.File, pkg, typ string) bool {
	switch t := lit.Type.(type) {
	case *ast.SelectorExpr:
		id, ok := t.X.(*ast.Ident)
		return ok && id.Name == pkg && t.Sel.Name == typ
	case *ast.Ident:
		return t.Name == typ && file.Name.Name == pkg
	}
	return false
}

// wrapper is a function that refuses with a message it is given: its
// parameter index and what it adds after it (api.NotFound's " not found").
type wrapper struct {
	index  int
	suffix string
}

// calleeKeys are the names a call may reach a wrapper by: pkg.Func for
// a function (or a closure) and .Method for a method.
func calleeKeys(call *ast.CallExpr, file *ast.File) []string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return []string{file.Name.Name + "." + f.Name}
	case *ast.SelectorExpr:
		keys := []string{"." + f.Sel.Name}
		if id, ok := f.X.(*ast.Ident); ok {
			keys = append(keys, id.Name+"."+f.Sel.Name)
		}
		return keys
	}
	return nil
}

// refusal is a message expression a node refuses with.
type refusalExpr struct {
	expr   ast.Expr
	suffix string
}

// refusalsOf lists the messages node n refuses with: the Message of an
// api.Error, a validate.Error or a validate.SyntaxError, fiber.NewError's,
// or the message handed to a wrapper.
func refusalsOf(n ast.Node, file *ast.File, wrappers map[string]wrapper) []refusalExpr {
	switch n := n.(type) {
	case *ast.CallExpr:
		if isFunc(n.Fun, "fiber", "NewError") && len(n.Args) == 2 {
			return []refusalExpr{{expr: n.Args[1]}}
		}
		for _, k := range calleeKeys(n, file) {
			if w, ok := wrappers[k]; ok && w.index < len(n.Args) {
				return []refusalExpr{{expr: n.Args[w.index], suffix: w.suffix}}
			}
		}
	case *ast.CompositeLit:
		if !isCompositeOf(n, file, "api", "Error") && !isCompositeOf(n, file, "validate", "Error") &&
			!isCompositeOf(n, file, "validate", "SyntaxError") {
			return nil
		}
		for _, el := range n.Elts {
			kv, isKV := el.(*ast.KeyValueExpr)
			if !isKV {
				continue
			}
			if key, _ := kv.Key.(*ast.Ident); key != nil && key.Name == "Message" {
				return []refusalExpr{{expr: kv.Value}}
			}
		}
	}
	return nil
}

// paramOf says which parameter of params e is, alone, with a literal added
// after it, or as the format of fmt.Sprintf.
func paramOf(e ast.Expr, params []string) (index int, suffix string, ok bool) {
	switch e := e.(type) {
	case *ast.Ident:
		for i, p := range params {
			if p == e.Name {
				return i, "", true
			}
		}
	case *ast.BinaryExpr:
		if s, isLit := literal(e.Y); isLit && e.Op == token.ADD {
			i, suf, ok := paramOf(e.X, params)
			return i, suf + s, ok
		}
	case *ast.CallExpr:
		if isFunc(e.Fun, "fmt", "Sprintf") && len(e.Args) > 0 {
			return paramOf(e.Args[0], params)
		}
	}
	return 0, "", false
}

func paramNames(ft *ast.FuncType) []string {
	var out []string
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			out = append(out, "_")
		}
		for _, n := range f.Names {
			out = append(out, n.Name)
		}
	}
	return out
}

// scanned is one parsed file of the module.
type scanned struct {
	file   *ast.File
	consts map[string]string
}

// funcs calls visit with each function of a file (declared or a closure
// given a name) under its wrapper key, its parameters and its body.
func funcs(f *ast.File, visit func(key string, params []string, body ast.Node)) {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		key := f.Name.Name + "." + fd.Name.Name
		if fd.Recv != nil {
			key = "." + fd.Name.Name
		}
		visit(key, paramNames(fd.Type), fd.Body)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		id, isID := as.Lhs[0].(*ast.Ident)
		fl, isFL := as.Rhs[0].(*ast.FuncLit)
		if isID && isFL {
			visit(f.Name.Name+"."+id.Name, paramNames(fl.Type), fl.Body)
		}
		return true
	})
}

// refusalsInCode finds every message the module's code refuses a request
// with. Functions that refuse with a message they are given (api.NotFound,
// validate.Field) are found first; then each call of one is read for the
// message it hands over.
func refusalsInCode(t *testing.T) []refusalSite {
	t.Helper()
	fset := token.NewFileSet()
	var files []scanned
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "node_modules" || n == "testdata" || n == "cmd" || (strings.HasPrefix(n, ".") && n != "..") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		cs := map[string]string{}
		ast.Inspect(file, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[name.Name], _ = strconv.Unquote(lit.Value)
							cs[name.Name] = consts[name.Name]
						}
					}
				}
			}
			return true
		})
		files = append(files, scanned{file: file, consts: cs})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	wrappers := map[string]wrapper{}
	for grew := true; grew; {
		grew = false
		for _, sf := range files {
			consts = sf.consts
			funcs(sf.file, func(key string, params []string, body ast.Node) {
				if _, known := wrappers[key]; known {
					return
				}
				ast.Inspect(body, func(n ast.Node) bool {
					for _, r := range refusalsOf(n, sf.file, wrappers) {
						if i, suf, ok := paramOf(r.expr, params); ok {
							wrappers[key] = wrapper{index: i, suffix: suf + r.suffix}
							grew = true
							return false
						}
					}
					return true
				})
			})
		}
	}

	var out []refusalSite
	for _, sf := range files {
		consts = sf.consts
		inWrapper := map[ast.Node]bool{}
		funcs(sf.file, func(key string, _ []string, body ast.Node) {
			if _, ok := wrappers[key]; ok {
				inWrapper[body] = true
			}
		})
		ast.Inspect(sf.file, func(n ast.Node) bool {
			if inWrapper[n] {
				return false
			}
			for _, r := range refusalsOf(n, sf.file, wrappers) {
				where := fset.Position(n.Pos()).String()
				if passThrough(r.expr) {
					continue
				}
				if s, ok := literal(r.expr); ok {
					out = append(out, refusalSite{format: s + r.suffix, where: where})
				} else {
					out = append(out, refusalSite{where: where})
				}
			}
			return true
		})
	}
	return out
}

// TestEveryRefusalIsTranslated keeps the catalogue and the code together:
// each message the code refuses with has ru and uk texts, each is a
// literal (so it can have them), and the catalogue holds no message the
// code no longer says.
func TestEveryRefusalIsTranslated(t *testing.T) {
	have := RefusalFormats()
	used := map[string]bool{}
	var missing, dynamic []string
	for _, s := range refusalsInCode(t) {
		if s.format == "" {
			dynamic = append(dynamic, s.where)
			continue
		}
		used[s.format] = true
		if _, ok := have[s.format]; !ok {
			missing = append(missing, s.where+": "+strconv.Quote(s.format))
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d refusals in the code: is the scan still finding them?", len(used))
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no ru/uk text: %s", m)
	}
	for _, d := range dynamic {
		t.Errorf("%s: a refusal that is not a literal cannot be translated; use a format and values", d)
	}
	var stale []string
	for f := range have {
		if !used[f] {
			stale = append(stale, strconv.Quote(f))
		}
	}
	sort.Strings(stale)
	for _, f := range stale {
		t.Errorf("refusals/ translates %s, which the code no longer says", f)
	}
}

// TestRefusalReadsValuesBack checks that each catalogue entry recognises
// the messages its format makes, and puts their values into the
// translation.
func TestRefusalReadsValuesBack(t *testing.T) {
	cases := []struct{ lang, message, want string }{
		{"en", "must be from 1 to 10", "Enter a number from 1 to 10."},
		{"en", "is in the past", "is in the past"}, // no plainer en text: the API's
		{"de", "must be from 1 to 10", "must be from 1 to 10"},
		{"ru", "no such refusal at all", "no such refusal at all"},
	}
	for _, c := range cases {
		if got := Refusal(c.lang, c.message); got != c.want {
			t.Errorf("Refusal(%s, %q) = %q, want %q", c.lang, c.message, got, c.want)
		}
	}
	samples := map[byte]string{'d': "7", 'q': `"x_1"`, 'g': "2.5", 'f': "2.5", 's': "alpha", 'v': "beta"}
	for format, texts := range RefusalFormats() {
		var values []string
		message := verbs.ReplaceAllStringFunc(strings.ReplaceAll(format, "%%", "\x00"), func(v string) string {
			s := samples[v[len(v)-1]]
			s += strconv.Itoa(len(values)) // tell the values apart
			if v[len(v)-1] == 'q' {
				s = strconv.Quote("x" + strconv.Itoa(len(values)))
			}
			if v[len(v)-1] == 'g' || v[len(v)-1] == 'f' {
				s = "2." + strconv.Itoa(len(values)+1)
			}
			values = append(values, s)
			return s
		})
		message = strings.ReplaceAll(message, "\x00", "%")
		for _, lang := range []string{"ru", "uk", "en"} {
			if _, ok := texts[lang]; !ok {
				continue
			}
			got := Refusal(lang, message)
			if got == message {
				t.Errorf("%s: %q is not recognised as %q", lang, message, format)
				continue
			}
			for _, v := range values {
				if !strings.Contains(got, v) {
					t.Errorf("%s: %q lost value %s: %q", lang, format, v, got)
				}
			}
			if strings.Contains(got, "%!") || verbs.MatchString(strings.ReplaceAll(got, "%%", "")) {
				t.Errorf("%s: %q left a verb: %q", lang, format, got)
			}
		}
	}
}
