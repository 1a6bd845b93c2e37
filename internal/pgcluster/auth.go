package pgcluster

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// PasswordFileName is the file in Config.Dir that holds the superuser's
// password of a TCP cluster (mode 0600, owned by the OS user that created
// the cluster; the server's own OS user never reads it).
const PasswordFileName = "password"

// hbaMarker is the first line of the pg_hba.conf this package writes for a
// TCP cluster; its absence marks a cluster made by an older version (trust
// for everyone), which Start migrates.
const hbaMarker = "# pgcluster: password authentication (scram-sha-256) on the socket and TCP"

// hbaPassword is pg_hba.conf of a TCP cluster: every connection, over the
// Unix socket or loopback TCP, must give the superuser's password.
const hbaPassword = hbaMarker + `
# Written by pgcluster; the password is in the cluster directory's
# ` + PasswordFileName + ` file (mode 0600).
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
`

// hbaSocket is pg_hba.conf of a socket-only cluster (pgtest): no TCP at
// all, and the socket is reachable only by the server's OS user (and
// root): its directory and the socket file are mode 0700.
const hbaSocket = `# pgcluster: Unix socket only, reachable by the server's OS user alone
# (socket directory and socket file mode 0700); no TCP connections.
# TYPE  DATABASE  USER  ADDRESS  METHOD
local   all       all            trust
local   replication all          trust
`

// HardenedSettings are passed to every server this package starts (on the
// command line, so they also apply to clusters created by older versions
// and cannot be loosened by postgresql.conf): no statement text, no
// parameters, no DETAIL lines (`Key (token)=(...) already exists`) and no
// client errors (whose messages may quote input values) in the server log;
// the server's own messages (start, stop, checkpoints, FATAL, PANIC) stay.
// The Unix socket is for the server's OS user only.
var HardenedSettings = map[string]string{
	"log_error_verbosity":               "terse",
	"log_min_error_statement":           "panic",
	"log_min_messages":                  "log",
	"log_statement":                     "none",
	"log_min_duration_statement":        "-1",
	"log_parameter_max_length":          "0",
	"log_parameter_max_length_on_error": "0",
	"password_encryption":               "scram-sha-256",
	"unix_socket_permissions":           "0700",
}

// PasswordFile returns the path of the superuser's password file (TCP
// clusters only; it does not exist for socket-only ones).
func (c *Cluster) PasswordFile() string { return filepath.Join(c.cfg.Dir, PasswordFileName) }

// Password returns the superuser's password ("" for a socket-only cluster
// or before Init).
func (c *Cluster) Password() string { return c.password }

// loadPassword reads the password file when it exists.
func (c *Cluster) loadPassword() error {
	b, err := os.ReadFile(c.PasswordFile())
	if errors.Is(err, os.ErrNotExist) {
		c.password = ""
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the embedded database's password file %s: %w (it belongs to the OS user that created the database: run as that user)", c.PasswordFile(), err)
	}
	c.password = strings.TrimSpace(string(b))
	return nil
}

// newPassword makes a random password (256 bits, URL-safe) and writes it to
// the password file with mode 0600, replacing any previous one atomically.
func (c *Cluster) newPassword() error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("generate the database password: %w", err)
	}
	pw := base64.RawURLEncoding.EncodeToString(raw)
	if err := os.MkdirAll(c.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("create cluster directory: %w", err)
	}
	tmp, err := os.CreateTemp(c.cfg.Dir, ".password-*")
	if err != nil {
		return fmt.Errorf("write the password file in %s: %w", c.cfg.Dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write the password file %s: %w", c.PasswordFile(), err)
	}
	_, werr := tmp.WriteString(pw + "\n")
	if serr := tmp.Sync(); werr == nil {
		werr = serr
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), c.PasswordFile())
	}
	if werr != nil {
		return fmt.Errorf("write the password file %s: %w", c.PasswordFile(), werr)
	}
	c.password = pw
	return nil
}

// scramVerifier returns PostgreSQL's stored form of a SCRAM-SHA-256
// password (what `password_encryption = scram-sha-256` would store), so that
// the plain password is never sent to the server, nor written where the
// server could log it.
func scramVerifier(password string) (string, error) {
	const iterations = 4096
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	clientKey := mac(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	serverKey := mac(salted, "Server Key")
	enc := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, enc(salt), enc(storedKey[:]), enc(serverKey)), nil
}

// writeVerifierFile writes the verifier of the current password to a file
// that initdb (running as the server's OS user) can read, and returns its
// path; the caller removes it.
func (c *Cluster) writeVerifierFile() (string, error) {
	v, err := scramVerifier(c.password)
	if err != nil {
		return "", fmt.Errorf("hash the database password: %w", err)
	}
	p := filepath.Join(filepath.Dir(c.LogFile()), ".pwfile")
	if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", p, err)
	}
	if err := c.chown(p); err != nil {
		_ = os.Remove(p)
		return "", err
	}
	return p, nil
}

// writeHBA replaces pg_hba.conf (atomically) with the rules of this
// cluster's kind.
func (c *Cluster) writeHBA() error {
	content := hbaSocket
	if c.cfg.TCP {
		content = hbaPassword
	}
	p := filepath.Join(c.DataDir(), "pg_hba.conf")
	tmp := p + ".pgcluster"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := c.chown(tmp); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// AuthCurrent reports whether a TCP cluster already requires a password
// (its pg_hba.conf is this version's and its password file exists). A
// socket-only cluster is always current.
func (c *Cluster) AuthCurrent() bool {
	if !c.cfg.TCP {
		return true
	}
	b, err := os.ReadFile(filepath.Join(c.DataDir(), "pg_hba.conf"))
	return err == nil && bytes.HasPrefix(b, []byte(hbaMarker)) && c.password != ""
}

// upgradeAuth moves a TCP cluster to password authentication: a cluster
// made by an older version of this package (pg_hba.conf trusting every
// local connection) or one whose password file was lost. It stops the
// server when it runs (the one-time price of the upgrade), keeps an
// existing password file or makes one, sets the superuser's password in
// single-user mode, then installs the new pg_hba.conf; each step can be
// repeated, so an interrupted upgrade is finished by the next Start.
func (c *Cluster) upgradeAuth(ctx context.Context) error {
	if c.AuthCurrent() {
		return nil
	}
	if err := c.Stop(ctx); err != nil {
		return err
	}
	if c.password == "" {
		if err := c.newPassword(); err != nil {
			return err
		}
	}
	v, err := scramVerifier(c.password)
	if err != nil {
		return fmt.Errorf("hash the database password: %w", err)
	}
	args := []string{"--single", "-D", c.DataDir()}
	for _, k := range sortedKeys(HardenedSettings) {
		args = append(args, "-c", k+"="+HardenedSettings[k])
	}
	args = append(args, "postgres")
	stdin := "ALTER ROLE postgres PASSWORD '" + v + "'\n"
	out, err := c.runIn(ctx, strings.NewReader(stdin), "postgres", args...)
	if err == nil && bytes.Contains(out, []byte("ERROR")) {
		err = errors.New("ALTER ROLE failed")
	}
	if err != nil {
		return fmt.Errorf("%w: setting the superuser password in single-user mode (data %s): %v\n%s",
			ErrStart, c.DataDir(), err, withoutVerifier(lastLines(out, 10)))
	}
	return c.writeHBA()
}

// withoutVerifier drops output lines that quote the password's verifier.
func withoutVerifier(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, "SCRAM-SHA-256$") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// runIn is run with stdin (nil: closed).
func (c *Cluster) runIn(ctx context.Context, stdin io.Reader, name string, args ...string) ([]byte, error) {
	bin := name
	if !filepath.IsAbs(bin) {
		bin = filepath.Join(c.binDir, name)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = c.serverRoot()
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	if c.runAs != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.gid)}}
		cmd.Env = append(cmd.Env, "HOME="+c.serverRoot(), "USER="+c.runAs.Username, "LOGNAME="+c.runAs.Username)
	}
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}
