import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkHandlers, summarizePackageHandlers, type ParsedGoFile } from '../../../src/handlers/discover';
import type { Handler } from '../../../src/handlers/model';
import { goParser } from './harness';

/** Discovers handlers in in-memory files of one package (no go.mod: symbols use the package name). */
async function discover(files: Record<string, string>): Promise<Handler[]> {
  const parser = await goParser();
  const trees = Object.entries(files).map(([file, source]) => ({ file, source, tree: parser.parse(source) }));
  try {
    const parsed: ParsedGoFile[] = trees.map(({ file, source, tree }) => ({ file, source, root: tree.rootNode }));
    return linkHandlers(summarizePackageHandlers(parsed));
  } finally {
    for (const t of trees) t.tree.delete();
  }
}

const pick = (hs: Handler[]) => hs.map((h) => `${h.function} ${h.method ?? '*'} ${h.route ?? '-'} ${h.framework}`);

describe('handler signatures', () => {
  test('net/http imported under another name is decided by type', async () => {
    const hs = await discover({ '/p/a.go': 'package p\nimport h "net/http"\nfunc serve(w h.ResponseWriter, r *h.Request) {}\n' });
    assert.deepEqual(pick(hs), ['serve * - net/http']);
  });

  test('another package named http is not net/http', async () => {
    const hs = await discover({ '/p/a.go': 'package p\nimport http "example.com/fake/http"\nfunc serve(w http.ResponseWriter, r *http.Request) {}\n' });
    assert.deepEqual(hs, []);
  });

  test('grouped parameter types count each name', async () => {
    const hs = await discover({ '/p/a.go': 'package p\nimport "net/http"\nfunc two(a, b http.ResponseWriter, r *http.Request) {}\n' });
    assert.deepEqual(hs, []);
  });

  test('echo v3 (no /v4) is echo too', async () => {
    const hs = await discover({ '/p/a.go': 'package p\nimport "github.com/labstack/echo"\nfunc h(c echo.Context) error { return nil }\n' });
    assert.deepEqual(pick(hs), ['h * - echo']);
  });
});

describe('symbols for profiles', () => {
  test('methods keep Go runtime spelling; literals are numbered in source order, nested ones below', async () => {
    const hs = await discover({
      '/p/a.go': `package p
import "net/http"
type S struct{}
type G[T any] struct{}
func (s S) value(w http.ResponseWriter, r *http.Request) {}
func (g *G[T]) generic(w http.ResponseWriter, r *http.Request) {}
func routes(mux *http.ServeMux) {
	go func() {}()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {})
	})
}
var global = func(w http.ResponseWriter, r *http.Request) {}
func init() { http.HandleFunc("/g", global) }
`,
    });
    assert.deepEqual(
      hs.map((h) => [h.function, h.symbol, h.route]),
      [
        ['S.value', 'p.S.value', null],
        ['(*G[...]).generic', 'p.(*G[...]).generic', null],
        ['routes.func2', 'p.routes.func2', '/a'],
        ['routes.func2.1', 'p.routes.func2.1', '/b'],
        ['global', 'p.init.func1', '/g'],
      ],
    );
  });
});

describe('routes', () => {
  test('a route built from constants of another file of the package', async () => {
    const hs = await discover({
      '/p/consts.go': 'package p\nconst base = "/api"\nconst users = base + "/users"\n',
      '/p/a.go': 'package p\nimport "net/http"\nfunc list(w http.ResponseWriter, r *http.Request) {}\nfunc init() { http.HandleFunc(users+"/", list) }\n',
    });
    assert.deepEqual(pick(hs), ['list * /api/users/ net/http']);
  });

  test('a route computed at run time is null, the method still known', async () => {
    const hs = await discover({
      '/p/a.go': 'package p\nimport "github.com/gin-gonic/gin"\nfunc h(c *gin.Context) {}\nfunc reg(r *gin.Engine, p string) { r.POST(p, h) }\n',
    });
    assert.deepEqual(pick(hs), ['h POST - gin']);
  });

  test('a local const and a Go 1.22 method pattern', async () => {
    const hs = await discover({
      '/p/a.go': 'package p\nimport "net/http"\nfunc h(w http.ResponseWriter, r *http.Request) {}\nfunc reg(m *http.ServeMux) {\n\tconst p = "PATCH /x/{id}"\n\tm.HandleFunc(p, h)\n}\n',
    });
    assert.deepEqual(pick(hs), ['h PATCH /x/{id} net/http']);
  });

  test('a router of unknown type in a file importing only chi is chi', async () => {
    const hs = await discover({
      '/p/a.go': 'package p\nimport (\n\t"net/http"\n\t"github.com/go-chi/chi/v5"\n)\nvar _ chi.Router\nfunc h(w http.ResponseWriter, r *http.Request) {}\nfunc reg(r interface{ HandleFunc(string, http.HandlerFunc) }) { r.HandleFunc("/x", h) }\n',
    });
    assert.deepEqual(pick(hs), ['h * /x chi']);
  });

  test('broken source: what parses is still found, nothing throws', async () => {
    const hs = await discover({
      '/p/a.go': 'package p\nimport "net/http"\nfunc ok(w http.ResponseWriter, r *http.Request) {}\nfunc broken( {\n\thttp.HandleFunc("/ok", ok\n}\n',
    });
    assert.ok(hs.some((h) => h.function === 'ok'), JSON.stringify(hs));
  });
});
