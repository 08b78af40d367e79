/*
 * Stand-in for include/linux/mod_devicetable.h: device match tables.
 * Routes to: nothing; the glue binds the driver to the SMMU it probes.
 */
#ifndef ATSLAB_LINUX_MOD_DEVICETABLE_H
#define ATSLAB_LINUX_MOD_DEVICETABLE_H

struct of_device_id {
	char name[32];
	char type[32];
	char compatible[128];
	const void *data;
};

#endif
