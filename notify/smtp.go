package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"time"
)

// DefaultSMTPTimeout bounds sending one message.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPConfig says how e-mail is sent.
//
// Security: on port 465 the connection is TLS from the start; on any other
// port STARTTLS is used whenever the server offers it. The password is
// sent (AUTH PLAIN) only over TLS: a server that offers no STARTTLS gets
// no credentials unless Insecure is set. Without User, mail goes
// unauthenticated, encrypted when the server allows it (a local relay).
type SMTPConfig struct {
	Host     string
	Port     int // 0 means 587
	User     string
	Password string
	From     string // the From address, with or without a display name
	// Insecure allows AUTH over a connection that is not encrypted.
	Insecure bool
	// TLS configures the TLS client; nil verifies the server's certificate
	// against the system's roots for Host.
	TLS *tls.Config
	// Timeout bounds one message, from dialling to QUIT.
	Timeout time.Duration
	// HelloName is what EHLO says; empty means "localhost".
	HelloName string
}

func (c *SMTPConfig) port() int {
	if c.Port == 0 {
		return 587
	}
	return c.Port
}

func (c *SMTPConfig) check() error {
	if c.Host == "" {
		return errors.New("SMTP: no host: set --smtp-host to send e-mail")
	}
	if p := c.port(); p < 1 || p > 65535 {
		return fmt.Errorf("SMTP: port %d is not a TCP port", p)
	}
	if c.From == "" {
		return errors.New("SMTP: no From address: set --smtp-from, e.g. alerts@example.org")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP: From address %q: %w", c.From, err)
	}
	if c.User == "" && c.Password != "" {
		return errors.New("SMTP: a password without a user: set --smtp-user too")
	}
	return nil
}

// from is the envelope sender and the From header.
func (c *SMTPConfig) from() *mail.Address {
	a, err := mail.ParseAddress(c.From)
	if err != nil { // checked when the worker was made
		return &mail.Address{Address: c.From}
	}
	return a
}

// sendMail sends one message to one recipient. A reply of the server is
// returned as a *textproto.Error, whose code is the attempt's status.
func (c *SMTPConfig) sendMail(ctx context.Context, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.port()))
	dialer := &net.Dialer{}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("SMTP %s: %w", addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	tlsConfig := c.tlsConfig()
	if c.port() == 465 {
		conn = tls.Client(conn, tlsConfig)
	}
	client, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		return fmt.Errorf("SMTP %s: %w", addr, err)
	}
	defer client.Close()
	hello := c.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := client.Hello(hello); err != nil {
		return fmt.Errorf("SMTP %s: EHLO: %w", addr, err)
	}
	if _, isTLS := conn.(*tls.Conn); !isTLS {
		if ok, _ := client.Extension("STARTTLS"); ok {
			if err := client.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("SMTP %s: STARTTLS: %w", addr, err)
			}
		}
	}
	if c.User != "" {
		ok, mechanisms := client.Extension("AUTH")
		if !ok {
			return fmt.Errorf("SMTP %s: the server offers no AUTH, and --smtp-user is set", addr)
		}
		if err := client.Auth(&plainAuth{user: c.User, password: c.Password, insecure: c.Insecure, mechanisms: mechanisms}); err != nil {
			return fmt.Errorf("SMTP %s: AUTH: %w", addr, err)
		}
	}
	if err := client.Mail(c.from().Address); err != nil {
		return fmt.Errorf("SMTP %s: MAIL FROM:<%s>: %w", addr, c.from().Address, err)
	}
	if err := client.Rcpt(to); err != nil {
		return fmt.Errorf("SMTP %s: RCPT TO:<%s>: %w", addr, to, err)
	}
	data, err := client.Data()
	if err != nil {
		return fmt.Errorf("SMTP %s: DATA: %w", addr, err)
	}
	if _, err := data.Write(msg); err != nil {
		return fmt.Errorf("SMTP %s: sending the message: %w", addr, err)
	}
	if err := data.Close(); err != nil {
		return fmt.Errorf("SMTP %s: the message was refused: %w", addr, err)
	}
	_ = client.Quit() // the message is accepted; a failed QUIT changes nothing
	return nil
}

func (c *SMTPConfig) tlsConfig() *tls.Config {
	if c.TLS != nil {
		cfg := c.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = c.Host
		}
		return cfg
	}
	return &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
}

// plainAuth is AUTH PLAIN with policywatch's rule: credentials go only
// over TLS unless insecure is set. (net/smtp's PlainAuth also sends them
// in clear text to localhost, and cannot be told to allow more.)
type plainAuth struct {
	user, password string
	insecure       bool
	mechanisms     string
}

func (a *plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !a.insecure {
		return "", nil, fmt.Errorf("refusing to send the password to %s over an unencrypted connection (the server offers no STARTTLS); use --smtp-insecure to allow it", server.Name)
	}
	if !slices.Contains(server.Auth, "PLAIN") {
		return "", nil, fmt.Errorf("the server offers AUTH %s, not PLAIN", a.mechanisms)
	}
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.password), nil
}

func (a *plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected challenge after AUTH PLAIN")
	}
	return nil, nil
}

// smtpOutcome turns a send's error into an attempt's outcome.
func smtpOutcome(err error) outcome {
	if err == nil {
		return outcome{status: 250}
	}
	o := outcome{err: err.Error()}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		o.status = reply.Code
	}
	return o
}
