package store

import (
	"bytes"
	"container/list"
	"sync"
)

// contentCacheBytes bounds the decoded captures and version texts kept in
// memory. Reading a capture decodes its chain of frames from the newest
// cached one, so the recent captures of the documents being read or
// recorded (a few hundred KB each) make most reads one frame.
const contentCacheBytes = 64 << 20

// contentCache is an LRU of decoded contents by bytes. Keys name content,
// not rows (a snapshot's hash, a version's text hash), and get returns
// only verified content: an entry is right whatever happens to the rows,
// so the cache needs no invalidation, and a rolled-back transaction leaves
// in it nothing false. Contents decoded on the way along a chain but not
// checked against their SHA-256 are kept too, as dictionaries (see
// unchain): getDictionary returns them, get does not.
type contentCache struct {
	mu       sync.Mutex
	capacity int
	size     int
	order    *list.List // front: most recently used
	entries  map[string]*list.Element
}

type cacheEntry struct {
	key     string
	content []byte
	// verified: content hashes to the SHA-256 key names; else it is only
	// what decoding stored frames gave, usable as a dictionary.
	verified bool
}

func newContentCache(capacity int) *contentCache {
	return &contentCache{capacity: capacity, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the cached content, verified; callers must not modify it.
func (c *contentCache) get(key string) ([]byte, bool) {
	content, verified, ok := c.getDictionary(key)
	return content, ok && verified
}

// getDictionary returns the cached content, verified or not, and says
// which; callers must not modify it.
func (c *contentCache) getDictionary(key string) (content []byte, verified, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false, false
	}
	c.order.MoveToFront(e)
	entry := e.Value.(*cacheEntry)
	return entry.content, entry.verified, true
}

// put keeps content, which the caller must not modify afterwards. An entry
// larger than an eighth of the cache is not kept: it would push out the
// many small ones that chains are read through.
func (c *contentCache) put(key string, content []byte) {
	c.keep(key, content, true)
}

// putDictionary keeps content decoded from stored frames but not checked
// against its SHA-256: get never returns it, getDictionary does.
func (c *contentCache) putDictionary(key string, content []byte) {
	c.keep(key, content, false)
}

func (c *contentCache) keep(key string, content []byte, verified bool) {
	if len(content) > c.largest() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		if entry := e.Value.(*cacheEntry); verified && !entry.verified {
			// Verified content replaces what was only decoded.
			c.size += len(content) - len(entry.content)
			entry.content, entry.verified = content, true
		} else {
			return
		}
	} else {
		c.entries[key] = c.order.PushFront(&cacheEntry{key: key, content: content, verified: verified})
		c.size += len(content)
	}
	for c.size > c.capacity {
		last := c.order.Back()
		entry := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, entry.key)
		c.size -= len(entry.content)
	}
}

// putCopy keeps a copy of content, made only when put would keep it.
func (c *contentCache) putCopy(key string, content []byte) {
	if len(content) <= c.largest() {
		c.put(key, bytes.Clone(content))
	}
}

// largest is the size of the largest content put keeps.
func (c *contentCache) largest() int { return c.capacity / 8 }
