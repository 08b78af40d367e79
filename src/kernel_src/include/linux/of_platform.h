/*
 * Stand-in for include/linux/of_platform.h.
 * Routes to: linux/of.h and linux/platform_device.h (nothing more is used).
 */
#ifndef ATSLAB_LINUX_OF_PLATFORM_H
#define ATSLAB_LINUX_OF_PLATFORM_H

#include <linux/of.h>
#include <linux/platform_device.h>

#endif
