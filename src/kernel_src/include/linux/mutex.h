/*
 * Stand-in for include/linux/mutex.h.
 * Routes to: a held count, as linux/spinlock.h says why.
 */
#ifndef ATSLAB_LINUX_MUTEX_H
#define ATSLAB_LINUX_MUTEX_H

#include <linux/spinlock.h>

struct mutex {
	int atslab_held;
};

#define DEFINE_MUTEX(name) struct mutex name = { 0 }
#define mutex_init(m) ((m)->atslab_held = 0)
#define mutex_destroy(m) do { } while (0)
#define mutex_lock(m) atslab_lock(&(m)->atslab_held, #m)
#define mutex_unlock(m) atslab_unlock(&(m)->atslab_held)
#define mutex_is_locked(m) ((m)->atslab_held != 0)

#endif
