package bench

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// progress draws a one-line progress bar on a terminal-ish writer.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	total int64
	n     int64
	last  int
}

func newProgress(w io.Writer, label string, total int64) *progress {
	p := &progress{w: w, label: label, total: total, last: -1}
	p.draw()
	return p
}

func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	p.draw()
}

func (p *progress) draw() {
	if p.w == nil || p.total <= 0 {
		return
	}
	pct := int(p.n * 100 / p.total)
	if pct == p.last {
		return
	}
	p.last = pct
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(p.w, "\r%-10s [%s%s] %3d%%", p.label, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct)
}

func (p *progress) done() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w)
}
