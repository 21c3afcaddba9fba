// Package loadbench holds the load benchmark of the web pages on a large
// synthetic archive (its test file): 32 clients at once against each
// route of a server over 200,000 versions, p50 and p99 per route. It has
// no code of its own.
package loadbench
