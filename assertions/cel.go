package assertions

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// celEnv declares what an expression of objectState and reconciles sees:
// `object`, the object as the apiserver serves it (a map: metadata, spec,
// status, ...; integral numbers are ints, others doubles), with CEL's
// standard library and the string extensions (as Kubernetes' own CEL).
var celEnv = func() *cel.Env {
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType), ext.Strings())
	if err != nil {
		panic(fmt.Sprintf("CEL environment: %v", err)) // constant declarations: a bug if it fails
	}
	return env
}()

// expression is a compiled CEL expression over `object`.
type expression struct {
	src string
	prg cel.Program
}

// compileExpression compiles src (at path) at decode time: a syntax or
// type error, or a result that cannot be a boolean, is an error that says
// where in the expression (line:column, 1-based) and what is wrong.
func compileExpression(path *field.Path, src string) (*expression, field.ErrorList) {
	if strings.TrimSpace(src) == "" {
		return nil, field.ErrorList{field.Required(path, "a CEL expression over `object`, e.g. object.status.availableReplicas >= 1")}
	}
	ast, iss := celEnv.Compile(src)
	if iss.Err() != nil {
		var msgs []string
		for _, e := range iss.Errors() {
			msgs = append(msgs, fmt.Sprintf("column %d: %s", e.Location.Column()+1, e.Message))
		}
		return nil, field.ErrorList{field.Invalid(path, src, "not a CEL expression: "+strings.Join(msgs, "; ")+
			" (the variable is `object`, e.g. object.status.availableReplicas >= 1)")}
	}
	if t := ast.OutputType(); !t.IsExactType(cel.BoolType) && !t.IsExactType(cel.DynType) {
		return nil, field.ErrorList{field.Invalid(path, src, fmt.Sprintf("the expression gives a %s; expected a condition (a bool)", t))}
	}
	prg, err := celEnv.Program(ast)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(path, src, "not a CEL program: "+err.Error())}
	}
	return &expression{src: src, prg: prg}, nil
}

// eval evaluates the expression over obj: true, or false with why (the
// result, or the evaluation error such as "no such key: availableReplicas"
// for a field the object does not have yet).
func (e *expression) eval(obj map[string]any) (bool, string) {
	out, _, err := e.prg.Eval(map[string]any{"object": obj})
	if err != nil {
		return false, err.Error()
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Sprintf("gives %v, not a bool", out.Value())
	}
	if !b {
		return false, "false"
	}
	return true, "true"
}
