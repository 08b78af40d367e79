/*
 * Stand-in for include/linux/cpumask.h.
 * Routes to: one CPU (the tree's code runs on one at a time, docs/kernel-source.md).
 */
#ifndef ATSLAB_LINUX_CPUMASK_H
#define ATSLAB_LINUX_CPUMASK_H

#define num_possible_cpus() 1U

#endif
