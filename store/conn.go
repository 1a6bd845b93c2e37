package store

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// responseConn is a connection on which every read must receive data
// within d (Options.ResponseTimeout). The driver only reads when it waits
// for the server (a statement's answer, authentication, a health check),
// so d bounds how long a call waits for a server or pooler that stopped
// answering on an open connection: a frozen process, a host gone without
// a reset, where neither the statement timeout (the server never saw the
// statement or cannot answer) nor the connect timeout (the connection
// exists) applies.
//
// The driver's own deadlines (set when a context is done, or at close)
// are kept: a read waits until the earlier of the two.
type responseConn struct {
	net.Conn
	d time.Duration

	mu sync.Mutex
	// external is the read deadline the driver set (zero: none).
	external time.Time
}

// errResponseTimeout is what a read returns when d passed without data.
type errResponseTimeout struct{ d time.Duration }

func (e *errResponseTimeout) Error() string {
	return fmt.Sprintf("no answer from the server within Options.ResponseTimeout (%s)", e.d)
}
func (e *errResponseTimeout) Timeout() bool   { return true }
func (e *errResponseTimeout) Temporary() bool { return false }

func (c *responseConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	ours := time.Now().Add(c.d)
	deadline, external := ours, false
	if !c.external.IsZero() && c.external.Before(ours) {
		deadline, external = c.external, true
	}
	err := c.Conn.SetReadDeadline(deadline)
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(b)
	if ne, ok := err.(net.Error); ok && ne.Timeout() && !external {
		c.mu.Lock()
		mine := c.external.IsZero() || !c.external.Before(ours)
		c.mu.Unlock()
		if mine {
			return n, &errResponseTimeout{d: c.d}
		}
	}
	return n, err
}

func (c *responseConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.external = t
	return c.Conn.SetDeadline(t)
}

func (c *responseConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.external = t
	return c.Conn.SetReadDeadline(t)
}

// withResponseTimeout wraps dial so that its connections are responseConns.
func withResponseTimeout(dial pgconn.DialFunc, d time.Duration) pgconn.DialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &responseConn{Conn: c, d: d}, nil
	}
}
