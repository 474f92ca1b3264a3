package codepools

import (
	"strconv"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Bounds of the admin API's input.
const (
	// MaxCodesPerRequest bounds one upload: 10 000 codes of 64 characters
	// fit the admin API's 1 MiB body; bigger lists go in several requests.
	MaxCodesPerRequest = 10_000
	maxName            = 100
)

// poolInput is the body of POST …/code-pools.
type poolInput struct {
	Name  string   `json:"name"`
	Codes []string `json:"codes"`
}

// codesInput is the body of POST …/code-pools/{pid}/codes.
type codesInput struct {
	Codes []string `json:"codes"`
}

func (in poolInput) check() error {
	if err := validate.Line("name", in.Name, true, maxName); err != nil {
		return err
	}
	return checkCodes(in.Codes, false)
}

func (in codesInput) check() error { return checkCodes(in.Codes, true) }

// checkCodes names the first bad code by its index ("codes[3]").
func checkCodes(codes []string, required bool) error {
	if required && len(codes) == 0 {
		return validate.Field("codes", "is required: give at least one code")
	}
	if len(codes) > MaxCodesPerRequest {
		return validate.Field("codes", "holds %d codes; send at most %d per request and the rest in further requests to …/codes", len(codes), MaxCodesPerRequest)
	}
	for i, c := range codes {
		if !store.ValidCode(c) {
			return validate.Field("codes["+strconv.Itoa(i)+"]", "must be 1 to %d printable characters without spaces, got %q", store.MaxCodeLen, c)
		}
	}
	return nil
}

// poolFull is the 422 of an upload that would make the pool too big.
func poolFull(total int) error {
	if total > 0 {
		return validate.Field("codes", "would make the pool hold more than %d codes (it holds %d); nothing was added", store.MaxPoolCodes, total)
	}
	return validate.Field("codes", "would make the pool hold more than %d codes; nothing was added", store.MaxPoolCodes)
}
