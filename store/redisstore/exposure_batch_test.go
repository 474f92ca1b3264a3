package redisstore

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestExposureBatchConformance(t *testing.T) {
	storetest.RunExposureBatches(t, func(t *testing.T) storetest.BatchExperimentStore { return newTestStore(t) })
}
