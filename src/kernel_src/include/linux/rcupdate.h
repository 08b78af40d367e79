/*
 * Stand-in for include/linux/rcupdate.h: RCU as the driver's invalidation
 * arrays use it (read sections, published pointers, kfree_rcu).
 * Routes to: plain loads and stores, and atslab_kfree_rcu. The tree's code
 * runs one call at a time (a call is one operation of the simulation, which
 * interleaves whole operations), so no reader is ever inside a read section
 * while a writer publishes; the grace period a kfree_rcu waits for ends when
 * the outermost call into the tree returns (src/kernel_src/kernel_call.cc),
 * never inside it, so a pointer read under rcu_read_lock stays valid as long
 * as the kernel's does.
 */
#ifndef ATSLAB_LINUX_RCUPDATE_H
#define ATSLAB_LINUX_RCUPDATE_H

#include <atslab/kernel_abi.h>
#include <linux/compiler.h>

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) READ_ONCE(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) WRITE_ONCE(p, v)
#define RCU_INIT_POINTER(p, v) ((p) = (v))
/* The object is freed after the grace period: when the outermost call into the tree returns. */
#define kfree_rcu(ptr, rhf) atslab_kfree_rcu(ptr)
#define kfree_rcu_mightsleep(ptr) atslab_kfree_rcu(ptr)

#endif
