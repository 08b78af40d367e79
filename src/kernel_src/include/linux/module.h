/*
 * Stand-in for include/linux/module.h.
 * Routes to: nothing; the driver is linked in and its init runs when the glue
 * probes an SMMU with it. The macros re-declare something so that the `;`
 * after them stays a declaration.
 */
#ifndef ATSLAB_LINUX_MODULE_H
#define ATSLAB_LINUX_MODULE_H

#include <linux/export.h>
#include <linux/mod_devicetable.h>
#include <linux/moduleparam.h>

struct module;
#define THIS_MODULE ((struct module *)0)

#define MODULE_LICENSE(s) extern int atslab_module_info
#define MODULE_AUTHOR(s) extern int atslab_module_info
#define MODULE_DESCRIPTION(s) extern int atslab_module_info
#define MODULE_ALIAS(s) extern int atslab_module_info
#define MODULE_DEVICE_TABLE(type, name) extern int atslab_module_info
#define MODULE_IMPORT_NS(ns) extern int atslab_module_info
#define module_driver(drv, reg, unreg, ...) extern int atslab_module_info
#define module_init(fn) extern int atslab_module_info
#define module_exit(fn) extern int atslab_module_info

#endif
