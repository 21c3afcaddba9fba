package main

// Digest times name IANA time zones (subscribe --digest-at): the binary
// carries their rules, for machines without a zoneinfo database.
import _ "time/tzdata"
