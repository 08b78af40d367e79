/*
 * Stand-in for include/linux/lockdep.h.
 * Routes to: the lock's held count (linux/spinlock.h, linux/mutex.h): an
 * assertion that fails is a WARN, as lockdep's is.
 */
#ifndef ATSLAB_LINUX_LOCKDEP_H
#define ATSLAB_LINUX_LOCKDEP_H

#include <linux/bug.h>

#define lockdep_assert_held(l) WARN_ON((l)->atslab_held == 0)
#define lockdep_assert_not_held(l) WARN_ON((l)->atslab_held != 0)
#define lockdep_assert_irqs_disabled() do { } while (0)

#endif
