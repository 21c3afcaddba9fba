package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

// versionLine names this build: the module version, the VCS revision and
// time it was built from (when the build recorded them), the Go version,
// and the releases of the extractor and the diff, which say which stored
// versions and changes this binary would compute differently.
func versionLine() string {
	version, revision, when, modified, goVersion := "(unknown)", "", "", false, ""
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var build []string
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		if modified {
			revision += "+modified"
		}
		build = append(build, "revision "+revision)
	}
	if when != "" {
		build = append(build, when)
	}
	if goVersion != "" {
		build = append(build, goVersion)
	}
	line := "policywatch " + version
	if len(build) > 0 {
		line += " (" + strings.Join(build, ", ") + ")"
	}
	return fmt.Sprintf("%s; extractor %s, diff %s", line, extract.Release, diff.Release)
}
