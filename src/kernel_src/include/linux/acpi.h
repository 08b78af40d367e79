/*
 * Stand-in for include/linux/acpi.h.
 * Routes to: nothing: CONFIG_ACPI is off, the model's machine is described
 * by device tree; only the types the driver names outside #ifdef CONFIG_ACPI.
 */
#ifndef ATSLAB_LINUX_ACPI_H
#define ATSLAB_LINUX_ACPI_H

#include <linux/types.h>

struct acpi_device;
struct acpi_iort_node;

#endif
