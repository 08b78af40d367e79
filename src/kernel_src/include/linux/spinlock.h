/*
 * Stand-in for include/linux/spinlock.h.
 * Routes to: a held count. The simulation runs one CPU at a time and another
 * CPU's operation only at atslab's interleaving points, where the locking of
 * spec section 6 decides what may run (sim::may_nest): a spinlock here never
 * has to wait, and a lock taken twice on one CPU is the deadlock it would be,
 * reported by atslab_lock_deadlock.
 */
#ifndef ATSLAB_LINUX_SPINLOCK_H
#define ATSLAB_LINUX_SPINLOCK_H

#include <atslab/smmu_abi.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>

typedef struct {
	int atslab_held;
} spinlock_t;

typedef struct {
	int atslab_held;
} rwlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)

static inline void atslab_lock(int *held, const char *what)
{
	if (*held)
		atslab_lock_deadlock(what);
	*held = 1;
}
static inline void atslab_unlock(int *held) { *held = 0; }

#define spin_lock_init(l) ((l)->atslab_held = 0)
#define spin_lock(l) atslab_lock(&(l)->atslab_held, #l)
#define spin_unlock(l) atslab_unlock(&(l)->atslab_held)
#define spin_lock_irq(l) spin_lock(l)
#define spin_unlock_irq(l) spin_unlock(l)
#define spin_lock_irqsave(l, flags) do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { (void)(flags); spin_unlock(l); } while (0)
#define rwlock_init(l) ((l)->atslab_held = 0)
#define read_lock_irqsave(l, flags) do { (flags) = 0; (l)->atslab_held++; } while (0)
#define read_unlock_irqrestore(l, flags) do { (void)(flags); (l)->atslab_held--; } while (0)
#define write_lock_irqsave(l, flags) do { (flags) = 0; atslab_lock(&(l)->atslab_held, #l); } while (0)
#define write_unlock_irqrestore(l, flags) do { (void)(flags); atslab_unlock(&(l)->atslab_held); } while (0)

#endif
