package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
)

// wireCounter is a TCP proxy in front of a PostgreSQL server that counts
// what clients send: statements (Execute and simple Query messages) and
// round trips (Sync and simple Query messages, each answered by
// ReadyForQuery). It forwards every byte unchanged.
type wireCounter struct {
	ln                    net.Listener
	network, addr         string
	statements, roundTrip atomic.Int64
	wg                    sync.WaitGroup
	mu                    sync.Mutex
	conns                 []net.Conn
	marks                 map[string][2]int64 // label -> (statements, round trips) before the marker
}

// markPrefix starts a marker comment: a simple Query containing
// "/*bench-mark:<label>*/" records the counts before it under label, so a
// client in another process (the Node side) can delimit what it measures.
const markPrefix = "/*bench-mark:"

// startWireCounter listens on 127.0.0.1 and forwards to the server of url.
func startWireCounter(rawURL string) (*wireCounter, string, error) {
	cfg, err := pgconn.ParseConfig(rawURL)
	if err != nil {
		return nil, "", err
	}
	w := &wireCounter{network: "tcp", addr: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))}
	if strings.HasPrefix(cfg.Host, "/") {
		w.network, w.addr = "unix", fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	if w.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, "", err
	}
	port := w.ln.Addr().(*net.TCPAddr).Port
	proxied, err := withHost(rawURL, "127.0.0.1", port)
	if err != nil {
		w.ln.Close()
		return nil, "", err
	}
	w.wg.Add(1)
	go w.accept()
	return w, proxied, nil
}

// withHost points a URL or keyword/value connection string at host:port
// without TLS.
func withHost(raw, host string, port int) (string, error) {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", err
		}
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
		q := u.Query()
		q.Del("host")
		q.Del("port")
		q.Set("sslmode", "disable")
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return fmt.Sprintf("%s host=%s port=%d sslmode=disable", raw, host, port), nil
}

func (w *wireCounter) accept() {
	defer w.wg.Done()
	for {
		c, err := w.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial(w.network, w.addr)
		if err != nil {
			c.Close()
			continue
		}
		w.mu.Lock()
		w.conns = append(w.conns, c, s)
		w.mu.Unlock()
		w.wg.Add(2)
		go func() { defer w.wg.Done(); _, _ = io.Copy(c, s); c.Close() }()
		go func() { defer w.wg.Done(); w.frontend(c, s); s.Close() }()
	}
}

// frontend forwards client messages to the server, counting them.
func (w *wireCounter) frontend(c, s net.Conn) {
	r := bufio.NewReader(c)
	var hdr [5]byte
	// Start-up phase: untyped messages (SSLRequest, GSSENCRequest, then
	// StartupMessage or CancelRequest).
	for {
		if _, err := io.ReadFull(r, hdr[:4]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[:4]))
		body := make([]byte, max(n-4, 0))
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		if _, err := s.Write(append(hdr[:4:4], body...)); err != nil {
			return
		}
		if len(body) >= 4 {
			code := binary.BigEndian.Uint32(body[:4])
			if code == 80877103 || code == 80877104 { // SSL / GSSENC request
				continue
			}
		}
		break
	}
	for {
		if _, err := io.ReadFull(r, hdr[:5]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[1:5]))
		msg := make([]byte, 5+max(n-4, 0))
		copy(msg, hdr[:])
		if _, err := io.ReadFull(r, msg[5:]); err != nil {
			return
		}
		switch hdr[0] {
		case 'Q':
			w.mark(msg[5:])
			w.statements.Add(1)
			w.roundTrip.Add(1)
		case 'E':
			w.statements.Add(1)
		case 'S':
			w.roundTrip.Add(1)
		}
		if _, err := s.Write(msg); err != nil {
			return
		}
	}
}

// mark records the counts under the label of a marker query.
func (w *wireCounter) mark(query []byte) {
	q := string(query)
	i := strings.Index(q, markPrefix)
	if i < 0 {
		return
	}
	label, _, ok := strings.Cut(q[i+len(markPrefix):], "*/")
	if !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.marks == nil {
		w.marks = map[string][2]int64{}
	}
	w.marks[label] = [2]int64{w.statements.Load(), w.roundTrip.Load()}
}

// between returns the statements and round trips from marker from to
// marker to (from's own statement included), and whether both were seen.
func (w *wireCounter) between(from, to string) (statements, roundTrips int64, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, okA := w.marks[from]
	b, okB := w.marks[to]
	return b[0] - a[0], b[1] - a[1], okA && okB
}

func (w *wireCounter) counts() (statements, roundTrips int64) {
	return w.statements.Load(), w.roundTrip.Load()
}

func (w *wireCounter) close() {
	w.ln.Close()
	w.mu.Lock()
	for _, c := range w.conns {
		c.Close()
	}
	w.mu.Unlock()
	w.wg.Wait()
}
