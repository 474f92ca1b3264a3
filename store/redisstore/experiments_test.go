package redisstore

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestExperimentsConformance(t *testing.T) {
	storetest.RunExperiments(t, func(t *testing.T) storetest.ExperimentStore { return newTestStore(t) })
}
