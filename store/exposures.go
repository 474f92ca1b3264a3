package store

import "context"

// Exposure is one visitor's exposure to a variant, for ExposeVisitors.
type Exposure struct {
	SiteID, ExperimentID, VisitorID, Variant string
}

// ExposureBatcher records many exposures at once (one bbolt transaction,
// one Redis pipeline), each with ExposeVisitor's once-per-visitor check;
// exposures of a site that no longer exists are skipped. It returns how
// many were first exposures.
type ExposureBatcher interface {
	ExposeVisitors(ctx context.Context, batch []Exposure) (firsts int, err error)
}
