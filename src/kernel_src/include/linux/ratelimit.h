/*
 * Stand-in for include/linux/ratelimit.h.
 * Routes to: never limited: the record keeps every line (rate limits are
 * about time the simulation does not have).
 */
#ifndef ATSLAB_LINUX_RATELIMIT_H
#define ATSLAB_LINUX_RATELIMIT_H

struct ratelimit_state {
	int unused;
};

#define DEFAULT_RATELIMIT_INTERVAL 0
#define DEFAULT_RATELIMIT_BURST 0
#define DEFINE_RATELIMIT_STATE(name, interval, burst) struct ratelimit_state name = { 0 }
#define __ratelimit(state) ((void)(state), 1)

#endif
