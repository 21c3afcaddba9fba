package jsfilter

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// Kind says how a filter run failed.
type Kind int

const (
	// Thrown: the filter threw, or the promise it returned was rejected.
	// Most often the page lacks what the filter expects (a null
	// dereference); Open Terms Archive's run would fail the same way.
	Thrown Kind = iota
	// Unsupported: the filter used a DOM or Node.js API policywatch does
	// not provide.
	Unsupported
	// Timeout: the filter ran longer than Limits.Timeout.
	Timeout
	// HeapLimit: the heap grew more than Limits.MaxHeapGrowth while it ran.
	HeapLimit
	// StackLimit: its calls nested deeper than the call stack bound.
	StackLimit
	// Unsettled: it returned a promise that nothing could settle.
	Unsettled
	// Internal: policywatch's own code failed (a bug to report).
	Internal
)

func (k Kind) String() string {
	switch k {
	case Thrown:
		return "thrown"
	case Unsupported:
		return "unsupported"
	case Timeout:
		return "timeout"
	case HeapLimit:
		return "heap limit"
	case StackLimit:
		return "stack limit"
	case Unsettled:
		return "unsettled"
	}
	return "internal"
}

// Error is a filter that failed: which file and function, how, the
// JavaScript message and where in the filter files it was raised.
//
//	Facebook.filters.js: removeImgFromCookiesPolicy: TypeError: Cannot read property 'remove' of undefined at Facebook.filters.js:17:34
type Error struct {
	File     string // the filter file the function was taken from, e.g. "Facebook.filters.js"
	Function string // the exported name, e.g. "removeImgFromCookiesPolicy"
	Kind     Kind
	Message  string // e.g. "TypeError: Cannot read property 'remove' of undefined"
	At       string // FILE:LINE:COLUMN of the innermost frame in a filter file; "" when unknown
	// Unprovided are the DOM members the run read before it failed that
	// policywatch's DOM does not provide ("Element.fooBar"), which read as
	// undefined: a failure with any may be policywatch's, not the page's.
	Unprovided []string
}

func (e *Error) Error() string {
	s := e.File + ": " + e.Function + ": " + e.Message
	if e.At != "" {
		s += " at " + e.At
	}
	if len(e.Unprovided) > 0 {
		s += " (after reading " + strings.Join(e.Unprovided, ", ") + ", which policywatch's DOM does not provide)"
	}
	return s
}

// KindOf returns the Kind of a filter error, and false for other errors.
func KindOf(err error) (Kind, bool) {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind, true
	}
	return 0, false
}

// stopReason is what the bounds interrupt a runtime with.
type stopReason struct {
	kind Kind
	msg  string
}

// failure turns what a goja call returned into an *Error for file:function.
func (r *run) failure(file, function string, err error) *Error {
	e := &Error{File: file, Function: function, Kind: Thrown}
	var interrupted *goja.InterruptedError
	var overflow *goja.StackOverflowError
	var exception *goja.Exception
	switch {
	case errors.As(err, &interrupted):
		if reason, ok := interrupted.Value().(stopReason); ok {
			e.Kind, e.Message = reason.kind, reason.msg
		} else {
			e.Kind, e.Message = Internal, fmt.Sprint("interrupted: ", interrupted.Value())
		}
		e.At = r.locate(interrupted.Stack())
	case errors.As(err, &overflow):
		e.Kind = StackLimit
		e.Message = fmt.Sprintf("RangeError: Maximum call stack size exceeded (%d calls)", maxCallDepth)
		e.At = r.locate(overflow.Stack())
	case errors.As(err, &exception):
		e.Message = safeString(exception.Value())
		e.At = r.locate(exception.Stack())
	default:
		e.Kind, e.Message = Internal, err.Error()
	}
	r.markUnsupported(e)
	return e
}

// rejection turns a rejected promise's reason into an *Error.
func (r *run) rejection(file, function string, reason goja.Value) *Error {
	e := &Error{File: file, Function: function, Kind: Thrown, Message: safeString(reason)}
	if o, ok := reason.(*goja.Object); ok {
		if stack := o.Get("stack"); stack != nil && !goja.IsUndefined(stack) {
			e.At = r.locateInStack(safeString(stack))
		}
	}
	r.markUnsupported(e)
	return e
}

// markUnsupported makes the failure say so when the filter touched
// something policywatch does not provide, whatever it threw afterwards.
func (r *run) markUnsupported(e *Error) {
	if len(r.unsupportedUses) > 0 && e.Kind == Thrown {
		e.Kind = Unsupported
		e.Message = "uses " + r.unsupportedUses[0] + ", which policywatch's DOM does not provide"
	}
	if e.Kind == Thrown {
		e.Unprovided = r.unprovidedReads
	}
}

// safeString is String(v), whatever v's toString does.
func safeString(v goja.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = "(a value whose conversion to string failed)"
		}
	}()
	if v == nil {
		return "undefined"
	}
	return v.String()
}

// locate gives FILE:LINE:COLUMN of the innermost frame in a filter file,
// in the file's own lines and characters.
func (r *run) locate(frames []goja.StackFrame) string {
	for i := range frames {
		f := &frames[i]
		if sf := r.m.fileNamed(f.SrcName()); sf != nil {
			p := f.Position()
			return sf.position(p.Line, p.Column)
		}
	}
	return ""
}

var stackLine = regexp.MustCompile(`at (?:[^\n]*? \()?([^\n()]+):(\d+):(\d+)\(\d+\)`)

func (r *run) locateInStack(stack string) string {
	for _, m := range stackLine.FindAllStringSubmatch(stack, -1) {
		if sf := r.m.fileNamed(strings.TrimSpace(m[1])); sf != nil {
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			return sf.position(line, col)
		}
	}
	return ""
}
