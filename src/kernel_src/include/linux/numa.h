/*
 * Stand-in for include/linux/numa.h.
 * Routes to: one node (the model has no NUMA).
 */
#ifndef ATSLAB_LINUX_NUMA_H
#define ATSLAB_LINUX_NUMA_H

#define NUMA_NO_NODE (-1)

#endif
