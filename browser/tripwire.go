package browser

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"time"
)

// tripwire is the proxy Chromium is told to use. Every request a page
// makes is intercepted and answered from Go, so nothing should ever reach
// it: a connection here is a request that escaped interception (a worker,
// a WebSocket, a frame of another process), refused before it goes
// anywhere, and counted so that tests can check none did.
type tripwire struct {
	ln      net.Listener
	mu      sync.Mutex
	escaped []string // the first line of each escaped request
	done    chan struct{}
}

func newTripwire() (*tripwire, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tw := &tripwire{ln: ln, done: make(chan struct{})}
	go tw.serve()
	return tw, nil
}

// addr is the proxy address to give Chromium.
func (tw *tripwire) addr() string { return tw.ln.Addr().String() }

func (tw *tripwire) serve() {
	defer close(tw.done)
	for {
		conn, err := tw.ln.Accept()
		if err != nil {
			return
		}
		go tw.refuse(conn)
	}
}

func (tw *tripwire) refuse(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	tw.mu.Lock()
	tw.escaped = append(tw.escaped, strings.TrimSpace(line))
	tw.mu.Unlock()
	conn.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
}

// Escaped returns the first line of every request that reached the
// tripwire ("CONNECT host:443 HTTP/1.1", "GET http://… HTTP/1.1").
func (tw *tripwire) Escaped() []string {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return append([]string(nil), tw.escaped...)
}

func (tw *tripwire) close() {
	tw.ln.Close()
	<-tw.done
}
