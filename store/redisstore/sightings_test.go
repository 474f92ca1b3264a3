package redisstore

import (
	"testing"

	"github.com/beckonhq/beckon/store/storetest"
)

func TestSightingsConformance(t *testing.T) {
	storetest.RunSightings(t, func(t *testing.T) storetest.SightingStore { return newTestStore(t) })
}
