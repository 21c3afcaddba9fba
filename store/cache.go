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
// not rows (a snapshot's hash, a version's text hash), and only verified
// content goes in: an entry is right whatever happens to the rows, so the
// cache needs no invalidation, and a rolled-back transaction leaves in it
// nothing false.
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
}

func newContentCache(capacity int) *contentCache {
	return &contentCache{capacity: capacity, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the cached content; callers must not modify it.
func (c *contentCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).content, true
}

// put keeps content, which the caller must not modify afterwards. An entry
// larger than an eighth of the cache is not kept: it would push out the
// many small ones that chains are read through.
func (c *contentCache) put(key string, content []byte) {
	if len(content) > c.largest() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, content: content})
	c.size += len(content)
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
