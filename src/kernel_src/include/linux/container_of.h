/*
 * Stand-in for include/linux/container_of.h.
 * Routes to: offsetof arithmetic.
 */
#ifndef ATSLAB_LINUX_CONTAINER_OF_H
#define ATSLAB_LINUX_CONTAINER_OF_H

#include <stddef.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
/* The type of a member (linux/stddef.h in the kernel, reached through this header). */
#define typeof_member(T, m) typeof(((T *)0)->m)
#define container_of_const(ptr, type, member) container_of(ptr, type, member)

#endif
