package fiberapi

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/gofiber/fiber/v3"
)

// bookWords is the length of every book: counting its words costs a few milliseconds of CPU and about a
// megabyte of allocations per request.
const bookWords = 25_000

var vocabulary = strings.Fields(`the a of and to in is it that was for on are with as his they be at one have
this from or had by hot word but what some we can out other were all there when up use your how said an each
she which do their time if will way about many then them write would like so these her long make thing see him
two has look more day could go come did number sound no most people my over know water than call first who may
down side been now find Coffee Kettle Grinder Library River Mountain Garden Window Harbor Lantern Meadow`)

type library struct {
	mu    sync.Mutex
	loans map[string]string
	books map[string]string
}

func newLibrary() *library {
	return &library{loans: map[string]string{"1": "moby-dick"}, books: map[string]string{}}
}

type wordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// topWords answers GET /fiber/v1/books/:book/words with the book's 20 most frequent words: the fiber
// route with a CPU (tokenizing, counting, sorting) and allocation (the text, its words) cost.
func (l *library) topWords(c fiber.Ctx) error {
	book := c.Params("book")
	return c.JSON(fiber.Map{"book": book, "top": countWords(bookText(book), 20)})
}

// bookText is the book's text, generated from its name (the same every time).
func bookText(book string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(book))
	rng := rand.New(rand.NewPCG(h.Sum64(), 3))
	var b strings.Builder
	for i := range bookWords {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(vocabulary[rng.IntN(len(vocabulary))])
		if rng.IntN(12) == 0 {
			b.WriteString(".")
		}
	}
	return b.String()
}

func countWords(text string, n int) []wordCount {
	counts := map[string]int{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		counts[strings.ToLower(w)]++
	}
	words := make([]wordCount, 0, len(counts))
	for w, k := range counts {
		words = append(words, wordCount{Word: w, Count: k})
	}
	slices.SortFunc(words, func(a, b wordCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Word, b.Word)) })
	return words[:min(n, len(words))]
}

// updateBook answers PUT and PATCH /fiber/v1/books/:book {"title": "…"}.
func (l *library) updateBook(c fiber.Ctx) error {
	var body struct {
		Title string `json:"title"`
	}
	if err := c.Bind().JSON(&body); err != nil || body.Title == "" {
		return fiber.NewError(fiber.StatusBadRequest, `the body must be {"title": "…"}`)
	}
	l.mu.Lock()
	l.books[c.Params("book")] = body.Title
	l.mu.Unlock()
	return c.SendStatus(fiber.StatusNoContent)
}

// author answers GET /fiber/v1/authors/:name.
func (l *library) author(c fiber.Ctx) error {
	name := c.Params("name")
	return c.JSON(fiber.Map{"author": name, "books": []string{name + "'s first book", name + "'s second book"}})
}

// loan answers GET /fiber/v1/loans/:id.
func (l *library) loan(c fiber.Ctx) error {
	l.mu.Lock()
	book, ok := l.loans[c.Params("id")]
	l.mu.Unlock()
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, "no such loan")
	}
	return c.JSON(fiber.Map{"id": c.Params("id"), "book": book})
}

// returnLoan answers DELETE /fiber/v1/loans/:id.
func (l *library) returnLoan(c fiber.Ctx) error {
	id := c.Params("id")
	if _, err := strconv.Atoi(id); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "id must be a number")
	}
	l.mu.Lock()
	delete(l.loans, id)
	l.mu.Unlock()
	return c.SendStatus(fiber.StatusNoContent)
}
