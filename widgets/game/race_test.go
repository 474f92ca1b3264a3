package game_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestConcurrentSpinsKeepTheStock: 200 players spinning at once over HTTP
// (32 requests in flight) against a prize with a stock of 10 that every
// spin would win: exactly 10 win, every player gets an answer, and the
// owner's report agrees. (The store's own suite races 1 000 draws.)
func TestConcurrentSpinsKeepTheStock(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.PublicRate, c.PublicBurst = 10_000, 10_000
		}}))
		wid := e.game(`{"ip_limit":0,"no_prize_weight":0,"prizes":[{"id":"tv","title":"Телевизор","weight":1,"stock":10}]}`)
		const players, inFlight = 200, 32
		won := make([]bool, players)
		errs := make(chan error, players)
		work := make(chan int)
		var wg sync.WaitGroup
		for range inFlight {
			wg.Go(func() {
				for i := range work {
					r := e.play(wid, fmt.Sprint("p", i), fmt.Sprintf("+7912%07d", i))
					if r.Status != 200 {
						errs <- fmt.Errorf("player %d: %d %s", i, r.Status, r.Body)
						continue
					}
					var a answer
					if err := json.Unmarshal(r.Body, &a); err != nil {
						errs <- fmt.Errorf("player %d: %v: %s", i, err, r.Body)
						continue
					}
					won[i] = a.prizeID() == "tv"
				}
			})
		}
		for i := range players {
			work <- i
		}
		close(work)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n := 0
		for _, w := range won {
			if w {
				n++
			}
		}
		if n != 10 {
			t.Fatalf("%d players won the TV, want exactly the stock of 10", n)
		}
		if s := e.stats(wid); s.Draws != players || s.Wins != 10 || *s.Prizes[0].Left != 0 {
			t.Fatalf("report %+v, want %d draws and 10 wins, none left", s, players)
		}
	})
}
