package notify

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small SMTP server for tests: EHLO, STARTTLS (when it has
// a certificate), AUTH PLAIN, MAIL FROM, RCPT TO, DATA, QUIT.
type smtpServer struct {
	ln       net.Listener
	tls      *tls.Config // nil: no STARTTLS
	user     string
	password string

	mu   sync.Mutex
	mail []smtpMessage
	auth []smtpAuth // every AUTH the server was sent
}

type smtpMessage struct {
	from string
	to   []string
	data string
	tls  bool
}

type smtpAuth struct {
	tls bool
	ok  bool
}

func startSMTP(t *testing.T, withTLS bool, user, password string) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, user: user, password: password}
	if withTLS {
		s.tls = &tls.Config{Certificates: []tls.Certificate{testCertificate(t)}}
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.mail...)
}

func (s *smtpServer) auths() []smtpAuth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpAuth(nil), s.auth...)
}

// clientTLS trusts the server's certificate.
func (s *smtpServer) clientTLS() *tls.Config {
	pool := x509.NewCertPool()
	leaf, _ := x509.ParseCertificate(s.tls.Certificates[0].Certificate[0])
	pool.AddCert(leaf)
	return &tls.Config{RootCAs: pool}
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	reply := func(lines ...string) {
		for _, l := range lines {
			conn.Write([]byte(l + "\r\n"))
		}
	}
	secure := false
	var msg smtpMessage
	reply("220 test.example ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			lines := []string{"250-test.example"}
			if s.tls != nil && !secure {
				lines = append(lines, "250-STARTTLS")
			}
			reply(append(lines, "250-AUTH PLAIN", "250 8BITMIME")...)
		case "STARTTLS":
			reply("220 go ahead")
			tlsConn := tls.Server(conn, s.tls)
			if err := tlsConn.Handshake(); err != nil {
				return
			}
			conn, r, secure = tlsConn, bufio.NewReader(tlsConn), true
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			creds, _ := base64.StdEncoding.DecodeString(initial)
			ok := strings.EqualFold(mech, "PLAIN") && string(creds) == "\x00"+s.user+"\x00"+s.password
			s.mu.Lock()
			s.auth = append(s.auth, smtpAuth{tls: secure, ok: ok})
			s.mu.Unlock()
			if ok {
				reply("235 2.7.0 authenticated")
			} else {
				reply("535 5.7.8 bad credentials")
			}
		case "MAIL":
			from, _, _ := strings.Cut(strings.TrimPrefix(arg, "FROM:"), " ") // drop BODY=8BITMIME and the like
			msg = smtpMessage{from: from, tls: secure}
			reply("250 ok")
		case "RCPT":
			msg.to = append(msg.to, strings.TrimPrefix(arg, "TO:"))
			reply("250 ok")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // dot-unstuffing
			}
			msg.data = data.String()
			s.mu.Lock()
			s.mail = append(s.mail, msg)
			s.mu.Unlock()
			reply("250 queued as " + strconv.Itoa(len(s.mail)))
		case "RSET", "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 command not implemented")
		}
	}
}

// testCertificate is a self-signed certificate for 127.0.0.1.
func testCertificate(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "policywatch test SMTP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
