package browser

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// tabTimeout bounds opening a tab, which is the browser's work, not the
// page's: a loaded machine may take seconds.
const tabTimeout = 30 * time.Second

// tabGiveUp is how long a tab that failed to open is waited for once
// cancelled.
const tabGiveUp = 5 * time.Second

// tab is a browser tab in a browser context of its own (no cookie,
// storage or cache shared with another page), attached and ready.
type tab struct {
	ctx   context.Context // its chromedp context
	close context.CancelFunc
	proc  *process
}

// openTab opens a tab in p, within tabTimeout or until ctx ends.
func openTab(ctx context.Context, p *process) (*tab, error) {
	tabCtx, closeTab := chromedp.NewContext(p.ctx, chromedp.WithNewBrowserContext())
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tabCtx) }() // the tab lives as long as tabCtx
	timer := time.NewTimer(tabTimeout)
	defer timer.Stop()
	var err error
	select {
	case err = <-opened:
	case <-timer.C:
		err = fmt.Errorf("timed out: the browser did not open a tab within %s", tabTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		closeTab()
		// chromedp may never return from a tab it was opening in a browser
		// whose connection dropped: wait for it a little, never for ever
		// (Stop waits for the tabs being opened).
		select {
		case <-opened:
		case <-time.After(tabGiveUp):
		}
		return nil, err
	}
	return &tab{ctx: tabCtx, close: closeTab, proc: p}, nil
}

// tab returns an open tab of p for a page: one opened ahead while the
// previous page rendered, when there is one (opening one takes the
// browser half a second or more), and opens another ahead for the next.
func (b *Browser) tab(ctx context.Context, p *process) (*tab, error) {
	var t *tab
	select {
	case t = <-b.spares:
		if t.proc != p || t.ctx.Err() != nil {
			t.close()
			t = nil
		}
	default:
	}
	if t == nil {
		var err error
		if t, err = openTab(ctx, p); err != nil {
			return nil, err
		}
	}
	b.openAhead(p)
	return t, nil
}

// openAhead opens a tab of p in the background, for the next page, unless
// there are as many spare tabs (open or opening) as tabs.
func (b *Browser) openAhead(p *process) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.proc != p || b.opening+len(b.spares) >= cap(b.spares) {
		return
	}
	b.opening++
	b.ahead.Go(func() {
		t, err := openTab(p.ctx, p)
		b.mu.Lock()
		b.opening--
		keep := err == nil && b.proc == p && !b.closed
		b.mu.Unlock()
		if err != nil {
			return
		}
		if keep {
			select {
			case b.spares <- t:
				return
			default:
			}
		}
		t.close()
	})
}

// closeLater closes a page's tab in the background; Stop waits for it. A
// tab of a process that was stopped or replaced meanwhile is closed now.
func (b *Browser) closeLater(t *tab) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.proc != t.proc {
		go t.close() // its browser is gone: closing is quick, and waits for nothing
		return
	}
	b.closing.Go(t.close)
}

// closeSpares closes the tabs opened ahead, once none is being opened.
func (b *Browser) closeSpares() {
	b.ahead.Wait()
	for {
		select {
		case t := <-b.spares:
			t.close()
		default:
			return
		}
	}
}
