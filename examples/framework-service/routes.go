package main

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
)

// route is one route as its router's own table lists it: the ground truth Goroscope's handler
// discovery, which reads the source, is tested against (flag -routes).
type route struct {
	Framework string `json:"framework"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	// Handler is the Go function that serves the route, as profiles name it.
	Handler string `json:"handler"`
}

func printRoutes(w io.Writer, r routers) error {
	table, err := r.table()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(table)
}

// table lists the routes of the four routers, sorted by path and method.
func (r routers) table() ([]route, error) {
	var routes []route
	for _, info := range r.gin.Routes() {
		routes = append(routes, route{"gin", info.Method, info.Path, funcName(info.HandlerFunc)})
	}
	for _, info := range r.echo.Router().Routes() {
		// echo's table names routes, not handlers: ask its router which handler a request to the route gets.
		params := make([]any, len(info.Parameters))
		for i := range params {
			params[i] = "1"
		}
		req, err := http.NewRequest(info.Method, info.Reverse(params...), nil)
		if err != nil {
			return nil, err
		}
		handler := r.echo.Router().Route(r.echo.NewContext(req, nil))
		routes = append(routes, route{"echo", info.Method, info.Path, funcName(handler)})
	}
	err := chi.Walk(r.chi, func(method, path string, handler http.Handler, _ ...func(http.Handler) http.Handler) error {
		if chain, ok := handler.(*chi.ChainHandler); ok {
			handler = chain.Endpoint // a Group's middlewares wrap the route's handler
		}
		routes = append(routes, route{"chi", method, path, funcName(handler)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, info := range r.fiber.GetRoutes(true) {
		// The last handler serves the route; the ones before it are the route's middleware.
		routes = append(routes, route{"fiber", info.Method, info.Path, funcName(info.Handlers[len(info.Handlers)-1])})
	}
	slices.SortFunc(routes, func(a, b route) int {
		return strings.Compare(a.Path+" "+a.Method+" "+a.Framework, b.Path+" "+b.Method+" "+b.Framework)
	})
	return routes, nil
}

// funcName is the runtime's name of a function value, as profiles show it: a method value's `-fm`
// wrapper is named after the method.
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return reflect.TypeOf(fn).String()
	}
	return strings.TrimSuffix(runtime.FuncForPC(v.Pointer()).Name(), "-fm")
}
