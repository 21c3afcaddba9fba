package store

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// cachedKeys lists the cache's keys, most recently used first, and checks
// that its byte count is what its entries hold and within its capacity.
func cachedKeys(t *testing.T, c *contentCache) []string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var keys []string
	size := 0
	for e := c.order.Front(); e != nil; e = e.Next() {
		entry := e.Value.(*cacheEntry)
		keys = append(keys, entry.key)
		size += len(entry.content)
		if c.entries[entry.key] != e {
			t.Errorf("entry %q is in the order but not in the index", entry.key)
		}
	}
	if len(c.entries) != len(keys) {
		t.Errorf("%d entries indexed, %d in the order", len(c.entries), len(keys))
	}
	if size != c.size || c.size > c.capacity {
		t.Errorf("cache counts %d bytes, its entries hold %d, its capacity is %d", c.size, size, c.capacity)
	}
	return keys
}

func TestContentCacheKeepsTheMostRecentlyUsedWithinItsBytes(t *testing.T) {
	c := newContentCache(800) // entries of at most 100 bytes
	content := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 100) }
	for i := range 8 {
		c.put(fmt.Sprint(i), content(i))
	}
	if got := cachedKeys(t, c); fmt.Sprint(got) != "[7 6 5 4 3 2 1 0]" {
		t.Fatalf("after 8 puts of 100 bytes into 800: %v", got)
	}
	// Reading 0 makes it the most recent: the next put evicts 1, the
	// least recently used, not 0.
	if got, ok := c.get("0"); !ok || !bytes.Equal(got, content(0)) {
		t.Fatalf("get 0 = %q, %v", got, ok)
	}
	c.put("8", content(8))
	if got := cachedKeys(t, c); fmt.Sprint(got) != "[8 0 7 6 5 4 3 2]" {
		t.Errorf("after reading 0 and putting 8: %v, want 1 evicted", got)
	}
	if _, ok := c.get("1"); ok {
		t.Error("1 is still cached after its eviction")
	}
	// Putting a key again keeps one entry and counts its bytes once.
	c.put("2", content(2))
	if got := cachedKeys(t, c); fmt.Sprint(got) != "[2 8 0 7 6 5 4 3]" {
		t.Errorf("after putting 2 again: %v", got)
	}
	// One byte over the capacity evicts the least recently used.
	c.put("small", []byte("x"))
	if got := cachedKeys(t, c); fmt.Sprint(got) != "[small 2 8 0 7 6 5 4]" {
		t.Errorf("after a 1-byte put: %v", got)
	}
}

func TestContentCacheLeavesOutLargeContents(t *testing.T) {
	c := newContentCache(800)
	c.put("keep", []byte("kept"))
	c.put("large", make([]byte, 101)) // more than an eighth of the cache
	if _, ok := c.get("large"); ok {
		t.Error("a content of more than an eighth of the cache was kept")
	}
	if got := cachedKeys(t, c); fmt.Sprint(got) != "[keep]" {
		t.Errorf("a large put changed the cache: %v", got)
	}
	c.put("largest", make([]byte, 100))
	if _, ok := c.get("largest"); !ok {
		t.Error("a content of exactly an eighth of the cache was not kept")
	}
}

func TestContentCachePutCopyKeepsItsOwnBytes(t *testing.T) {
	c := newContentCache(800)
	buf := []byte("the caller's buffer")
	c.putCopy("k", buf)
	copy(buf, "XXXXXXXXXXXXXXXXXXX")
	if got, ok := c.get("k"); !ok || string(got) != "the caller's buffer" {
		t.Errorf("cached %q, %v after the caller changed its buffer; want the bytes as put", got, ok)
	}
	c.putCopy("large", make([]byte, 101))
	if _, ok := c.get("large"); ok {
		t.Error("putCopy kept a content put would not keep")
	}
}

// TestContentCacheUnderConcurrentUse: readers and writers at once (run
// with -race) leave a consistent cache, and every hit is the content put
// under its key.
func TestContentCacheUnderConcurrentUse(t *testing.T) {
	c := newContentCache(4000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				key := fmt.Sprint((g*7 + i) % 60)
				want := bytes.Repeat([]byte(key), 20)
				if got, ok := c.get(key); ok && !bytes.Equal(got, want) {
					t.Errorf("key %s holds %q", key, got)
					return
				}
				c.put(key, want)
			}
		}()
	}
	wg.Wait()
	if keys := cachedKeys(t, c); len(keys) == 0 {
		t.Error("nothing cached after 4,000 puts")
	}
}

// TestContentCacheDictionariesAreNotContent: content decoded but not
// checked against its SHA-256 is a dictionary: get never returns it, and
// checked content replaces it.
func TestContentCacheDictionariesAreNotContent(t *testing.T) {
	c := newContentCache(1 << 20)
	c.putDictionary("a", []byte("decoded"))
	if got, ok := c.get("a"); ok {
		t.Errorf("get returned a dictionary as content: %q", got)
	}
	if got, verified, ok := c.getDictionary("a"); !ok || verified || string(got) != "decoded" {
		t.Errorf("getDictionary = %q, verified %v, found %v; want the dictionary, not verified", got, verified, ok)
	}
	c.put("a", []byte("checked!"))
	if got, ok := c.get("a"); !ok || string(got) != "checked!" {
		t.Errorf("after put, get = %q, %v; want the checked content", got, ok)
	}
	c.putDictionary("a", []byte("other"))
	if got, ok := c.get("a"); !ok || string(got) != "checked!" {
		t.Errorf("a dictionary replaced checked content: get = %q, %v", got, ok)
	}
	if keys := cachedKeys(t, c); len(keys) != 1 {
		t.Errorf("keys %q, want one entry", keys)
	}
}
