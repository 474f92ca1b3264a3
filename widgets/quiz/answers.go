package quiz

import (
	"encoding/json"
	"errors"
)

// CheckAnswer validates a visitor's answer to a step and returns it
// normalized; a bad answer is a *validate.Error naming "value" or
// "value[i]". A JSON null skips an optional step (the result is null).
func (d *Definition) CheckAnswer(stepID string, raw json.RawMessage) (json.RawMessage, error) {
	return nil, errors.New("quiz: not built yet")
}
