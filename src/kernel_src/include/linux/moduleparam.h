/*
 * Stand-in for include/linux/moduleparam.h.
 * Routes to: nothing; a parameter keeps its default.
 */
#ifndef ATSLAB_LINUX_MODULEPARAM_H
#define ATSLAB_LINUX_MODULEPARAM_H

#define module_param(name, type, perm) extern __typeof__(name) name
#define module_param_named(name, value, type, perm) extern __typeof__(value) value
#define MODULE_PARM_DESC(parm, desc) extern int atslab_module_parm_desc_##parm

#endif
