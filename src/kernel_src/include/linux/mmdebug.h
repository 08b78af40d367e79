/*
 * Stand-in for include/linux/mmdebug.h.
 * Routes to: nothing, as without CONFIG_DEBUG_VM (the condition is not evaluated).
 */
#ifndef ATSLAB_LINUX_MMDEBUG_H
#define ATSLAB_LINUX_MMDEBUG_H

#define VM_BUG_ON(cond) ((void)sizeof(cond))
#define VM_WARN_ON(cond) ((void)sizeof(cond))

#endif
