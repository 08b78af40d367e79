/*
 * Stand-in for include/linux/of_address.h.
 * Routes to: linux/of.h (nothing more is used).
 */
#ifndef ATSLAB_LINUX_OF_ADDRESS_H
#define ATSLAB_LINUX_OF_ADDRESS_H

#include <linux/of.h>

#endif
