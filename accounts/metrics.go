package accounts

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	failedSignIns = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_dashboard_failed_sign_ins_total",
		Help: "Dashboard sign-ins refused for a wrong e-mail, password or second-factor code.",
	})
	lockedSignIns = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_dashboard_locked_sign_ins_total",
		Help: "Dashboard sign-ins refused because the account or the client IP had too many failures.",
	})
	signIns = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_dashboard_sign_ins_total",
		Help: "Dashboard sign-ins completed, by method (password, oidc).",
	}, []string{"method"})
)
