package diff

import (
	"encoding/json"
	"io"
)

// JSONResult is the Result as JSON with its summary and reasons.
type JSONResult struct {
	*Result
	Summary string   `json:"summary"`
	Reasons []string `json:"reasons"`
}

// WriteJSON writes the Result, its summary and reasons as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(JSONResult{Result: r, Summary: r.Summary(), Reasons: r.Reasons()})
}
