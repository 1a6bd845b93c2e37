package httpbench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The load generator: one goroutine per connection, each a keep-alive
// HTTP/1.1 connection that writes a pre-serialized request and reads the
// response with a minimal parser (status line, Content-Length or chunked
// body). It allocates nothing per request, so that it costs the machine as
// little as possible next to the servers it measures; its CPU time is
// measured and reported with theirs.

// target is one endpoint under load.
type target struct {
	name   string
	addr   string   // host:port
	reqs   [][]byte // requests, used in turn
	expect int      // the status every answer must have
	conns  []*client
}

// client is one keep-alive connection.
type client struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (c *client) dial() error {
	conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
	if err != nil {
		return err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	c.conn = conn
	if c.br == nil {
		c.br = bufio.NewReaderSize(conn, 16<<10)
	} else {
		c.br.Reset(conn)
	}
	return nil
}

func (c *client) close() {
	if c.conn != nil {
		_ = c.conn.Close()
		c.conn = nil
	}
}

// do sends req and returns the response's status. A broken connection is
// redialled once.
func (c *client) do(req []byte) (int, error) {
	for attempt := 0; ; attempt++ {
		if c.conn == nil {
			if err := c.dial(); err != nil {
				return 0, err
			}
		}
		status, closeAfter, err := c.roundTrip(req)
		if err == nil {
			if closeAfter {
				c.close()
			}
			return status, nil
		}
		c.close()
		if attempt > 0 {
			return 0, err
		}
	}
}

var (
	crlf             = []byte("\r\n")
	hContentLength   = []byte("content-length:")
	hTransferEnc     = []byte("transfer-encoding:")
	hConnection      = []byte("connection:")
	valChunked       = []byte("chunked")
	valClose         = []byte("close")
	errBadStatusLine = errors.New("httpbench: malformed status line")
)

func (c *client) roundTrip(req []byte) (status int, closeAfter bool, err error) {
	_ = c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.conn.Write(req); err != nil {
		return 0, false, err
	}
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, errBadStatusLine
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, errBadStatusLine
	}
	length, chunked := -1, false
	for {
		h, err := c.br.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		if bytes.Equal(h, crlf) {
			break
		}
		switch {
		case hasPrefixFold(h, hContentLength):
			n, err := strconv.Atoi(string(bytes.TrimSpace(h[len(hContentLength):])))
			if err != nil {
				return 0, false, fmt.Errorf("httpbench: Content-Length: %w", err)
			}
			length = n
		case hasPrefixFold(h, hTransferEnc):
			chunked = bytes.Contains(bytes.ToLower(h), valChunked)
		case hasPrefixFold(h, hConnection):
			closeAfter = bytes.Contains(bytes.ToLower(h), valClose)
		}
	}
	switch {
	case chunked:
		for {
			sizeLine, err := c.br.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(sizeLine, []byte(";"), 2)[0])), 16, 64)
			if err != nil {
				return 0, false, fmt.Errorf("httpbench: chunk size: %w", err)
			}
			if size == 0 {
				for { // trailers
					t, err := c.br.ReadSlice('\n')
					if err != nil {
						return 0, false, err
					}
					if bytes.Equal(t, crlf) {
						return status, closeAfter, nil
					}
				}
			}
			if _, err := c.br.Discard(int(size) + 2); err != nil {
				return 0, false, err
			}
		}
	case length >= 0:
		if _, err := c.br.Discard(length); err != nil {
			return 0, false, err
		}
	default:
		return 0, false, io.ErrUnexpectedEOF // no framing: not what our servers send
	}
	return status, closeAfter, nil
}

func hasPrefixFold(b, prefix []byte) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], prefix)
}

// request serializes a GET (or POST with body) with the given headers.
func request(method, host, path string, headers [][2]string, body string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: iam-httpbench\r\nAccept: application/json\r\n", method, path, host)
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	if body != "" || method == "POST" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes()
}

// sample is what one slice of load measured.
type sample struct {
	ops, errors int64
	firstError  string
	lat         []time.Duration // nil unless recording
}

// load runs the target from concurrency connections for d (or until stop
// is closed); with record it keeps every latency.
func (t *target) load(concurrency int, d time.Duration, record bool, stop <-chan struct{}) sample {
	for len(t.conns) < concurrency {
		t.conns = append(t.conns, &client{addr: t.addr})
	}
	var mu sync.Mutex
	var total sample
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for w := 0; w < concurrency; w++ {
		c := t.conns[w]
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var s sample
			if record {
				s.lat = make([]time.Duration, 0, 8192)
			}
			i := w * 7919
		requests:
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				if stop != nil {
					select {
					case <-stop:
						break requests
					default:
					}
				}
				status, err := c.do(t.reqs[i%len(t.reqs)])
				i++
				if err == nil && status != t.expect {
					err = fmt.Errorf("status %d, want %d", status, t.expect)
				}
				if err != nil {
					if s.errors == 0 {
						s.firstError = err.Error()
					}
					s.errors++
					continue
				}
				s.ops++
				if record {
					s.lat = append(s.lat, time.Since(t0))
				}
			}
			mu.Lock()
			total.ops += s.ops
			if total.errors == 0 && s.errors > 0 {
				total.firstError = s.firstError
			}
			total.errors += s.errors
			total.lat = append(total.lat, s.lat...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return total
}

func (t *target) close() {
	for _, c := range t.conns {
		c.close()
	}
}

// percentile returns the p-quantile (0..1) of sorted latencies in µs.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return float64(sorted[i].Nanoseconds()) / 1000
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
