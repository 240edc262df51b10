import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PackageIndex } from '../../../src/go/packageIndex';
import { loadGoParser, type SyntaxNode } from '../../../src/go/parser';
import { TypeResolver, defaultPackageName, fileImports, zeroValue } from '../../../src/go/types';
import { distDir } from '../lint/fixtureHarness';

async function parse(source: string) {
  const parser = await loadGoParser(distDir);
  return parser.parse(source).rootNode;
}

function identifierAt(root: SyntaxNode, source: string, marker: string): SyntaxNode {
  const index = source.indexOf(marker);
  assert.ok(index >= 0, `marker ${marker} not in source`);
  const node = root.descendantForIndex(index);
  assert.ok(node, 'no node at marker');
  return node;
}

test('imports: aliases, defaults, versioned paths; blank and dot imports left out', async () => {
  const root = await parse(`package p
import (
	nh "net/http"
	"context"
	"math/rand/v2"
	yaml "gopkg.in/yaml.v3"
	_ "net/http/pprof"
	. "strings"
)`);
  const imports = fileImports(root);
  assert.deepEqual([...imports], [
    ['nh', 'net/http'],
    ['context', 'context'],
    ['rand', 'math/rand/v2'],
    ['yaml', 'gopkg.in/yaml.v3'],
  ]);
  assert.equal(defaultPackageName('github.com/go-chi/chi/v5'), 'chi');
});

test('resolver: parameter, :=, var, captured variables and shadowing', async () => {
  const src = `package p
import (c "context"; "net/http")
func f(ctx c.Context, r *http.Request) {
	client := &http.Client{}
	var req *http.Request
	inner, cancel := c.WithCancel(ctx)
	go func() {
		_ = inner /*A*/
		ctx := 3
		_ = ctx /*B*/
	}()
	_ = client /*C*/
	_ = req /*D*/
	_ = r.Context() /*E*/
	_ = cancel
}`;
  const root = await parse(src);
  const resolver = new TypeResolver(fileImports(root), new PackageIndex().scopeFor('none'));
  const typeAt = (marker: string) => {
    const id = identifierAt(root, src, marker);
    return resolver.typeOf(id)?.[0];
  };
  assert.equal(typeAt('inner /*A*/'), 'context.Context');
  assert.equal(resolver.lookup('ctx', identifierAt(root, src, 'ctx /*B*/'))?.type, undefined, 'shadowed by ctx := 3');
  assert.equal(typeAt('client /*C*/'), '*net/http.Client');
  assert.equal(typeAt('req /*D*/'), '*net/http.Request');
  const call = identifierAt(root, src, 'r.Context() /*E*/').parent?.parent;
  assert.equal(call?.type, 'call_expression');
  assert.deepEqual(resolver.typeOf(call!), ['context.Context']);
});

test('resolver: a := of several names reuses the names the block (or the parameters) already declared, with their type', async () => {
  const src = `package p
import "context"
func f(ctx context.Context, n int) {
	ctx, span := tracer.Start(ctx, "f")
	_ = ctx /*A*/
	n, extra := lookup()
	_ = n /*B*/
	if true {
		ctx, other := tracer.Start(ctx, "inner")
		_ = ctx /*C*/
		_ = other
	}
	_, _ = span, extra
	go func() {
		ctx, done := tracer.Start(ctx, "goroutine")
		_ = ctx /*D*/
		_ = done
	}()
}`;
  const root = await parse(src);
  const resolver = new TypeResolver(fileImports(root), new PackageIndex().scopeFor('none'));
  const typeAt = (marker: string) => resolver.typeOf(identifierAt(root, src, marker))?.[0];
  assert.equal(typeAt('ctx /*A*/'), 'context.Context', 'the parameter, reused in the body');
  assert.equal(typeAt('n /*B*/'), 'int');
  assert.equal(typeAt('ctx /*C*/'), undefined, 'a new variable in an inner block: its type is the call\'s, unknown here');
  assert.equal(typeAt('ctx /*D*/'), undefined, 'the body of a literal declares a new variable: the captured ctx is in another block');
});

test('package index: struct fields across files, package vars, functions that close their parameter', async () => {
  const parser = await loadGoParser(distDir);
  const index = new PackageIndex();
  const dir = path.join('/virtual', 'svc');
  const a = parser.parse(`package svc
import "net/http"
type Server struct { client *http.Client; Base }
type Base struct { hits int }
var shared = http.DefaultClient
func closeIt(r *http.Response) { defer r.Body.Close() }
func forward(r *http.Response) { closeIt(r) }
func keep(r *http.Response) {}`);
  index.update(path.join(dir, 'a.go'), a.rootNode);
  const b = parser.parse('package svc\nfunc use() {}');
  index.update(path.join(dir, 'b.go'), b.rootNode);
  const scope = index.scopeFor(path.join(dir, 'b.go'));
  assert.equal(scope.fieldType('Server', 'client'), '*net/http.Client');
  assert.equal(scope.fieldType('Server', 'hits'), 'int', 'promoted through an embedded struct');
  assert.equal(scope.varType('shared'), '*net/http.Client');
  const resolver = new TypeResolver(new Map(), scope);
  assert.equal(index.closesArgument(path.join(dir, 'b.go'), resolver, ['closeIt'], b.rootNode, 0), true);
  assert.equal(index.closesArgument(path.join(dir, 'b.go'), resolver, ['forward'], b.rootNode, 0), true);
  assert.equal(index.closesArgument(path.join(dir, 'b.go'), resolver, ['keep'], b.rootNode, 0), false);
  index.remove(path.join(dir, 'a.go'));
  assert.equal(index.scopeFor(path.join(dir, 'b.go')).fieldType('Server', 'client'), undefined, 'removed with its file');
});

test('zero values follow the underlying type', () => {
  const scope = {
    varType: () => undefined,
    fieldType: () => undefined,
    results: () => undefined,
    underlying: (n: string) => ({ ID: 'int64', Summary: 'struct', Names: '[]string' } as Record<string, string>)[n],
  };
  assert.equal(zeroValue('int', scope, 'int'), '0');
  assert.equal(zeroValue('ID', scope, 'ID'), '0');
  assert.equal(zeroValue('Summary', scope, 'Summary'), 'Summary{}');
  assert.equal(zeroValue('Names', scope, 'Names'), 'nil');
  assert.equal(zeroValue('*Summary', scope, '*Summary'), 'nil');
  assert.equal(zeroValue('time.Duration', scope, 'time.Duration'), '*new(time.Duration)');
  assert.equal(zeroValue('error', scope, 'error'), 'nil');
});
