package httpbench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestClient_ParsesEveryFramingAndKeepsTheConnection checks the load
// generator's HTTP client against net/http's server: Content-Length,
// chunked and Connection: close answers, on one kept-alive connection.
func TestClient_ParsesEveryFramingAndKeepsTheConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.WriteHeader(http.StatusUnauthorized)
			for range 3 {
				_, _ = w.Write([]byte(strings.Repeat("c", 5000)))
				w.(http.Flusher).Flush()
			}
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte("bye"))
		default:
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	}))
	srv.Start()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	c := &client{addr: addr}
	defer c.close()
	for _, tc := range []struct {
		path   string
		status int
	}{{"/", 200}, {"/chunked", 401}, {"/", 200}, {"/close", 200}, {"/", 200}} {
		status, err := c.do(request("GET", addr, tc.path, [][2]string{{"Cookie", "a=b"}}, ""))
		require.NoError(t, err, tc.path)
		require.Equal(t, tc.status, status, tc.path)
		if tc.path != "/close" {
			require.NotNil(t, c.conn, "kept alive after %s", tc.path)
		} else {
			require.Nil(t, c.conn, "closed after Connection: close")
		}
	}

	tg := &target{name: "t", addr: addr, reqs: [][]byte{request("GET", addr, "/", nil, "")}, expect: 200}
	defer tg.close()
	s := tg.load(4, 200*time.Millisecond, true, nil)
	require.Zero(t, s.errors, s.firstError)
	require.Positive(t, s.ops)
	require.Len(t, s.lat, int(s.ops))
	stop := make(chan struct{})
	close(stop)
	require.Zero(t, tg.load(4, time.Hour, false, stop).ops, "a closed stop ends the load at once")
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	d := []time.Duration{4 * time.Microsecond, 1 * time.Microsecond, 3 * time.Microsecond, 2 * time.Microsecond}
	sortDurations(d)
	require.Equal(t, 1.0, percentile(d, 0))
	require.Equal(t, 2.0, percentile(d, .5))
	require.Equal(t, 4.0, percentile(d, 1))
	require.Zero(t, percentile(nil, .5))
}
