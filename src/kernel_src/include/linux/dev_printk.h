/*
 * Stand-in for include/linux/dev_printk.h: dev_err and friends.
 * Routes to: atslab_printk -> kernel::dev_printk for a PCI device (the line
 * atslab's own model prints, "pci 0000:01:00.1: ..."), or the same format
 * with the platform device's name for an SMMU.
 */
#ifndef ATSLAB_LINUX_DEV_PRINTK_H
#define ATSLAB_LINUX_DEV_PRINTK_H

#include <atslab/kernel_abi.h>

#define dev_err(dev, fmt, ...) atslab_printk(3, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) atslab_printk(4, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) atslab_printk(5, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) atslab_printk(6, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) do { if (0) atslab_printk(7, dev, fmt, ##__VA_ARGS__); } while (0)
#define dev_err_ratelimited dev_err
/* "once" is per boot, and each run is a boot: as WARN_ON_ONCE (linux/bug.h), every time. */
#define dev_err_once dev_err
#define dev_warn_once dev_warn
#define dev_info_once dev_info
#define dev_warn_ratelimited dev_warn
#define dev_info_ratelimited dev_info
#define dev_err_probe(dev, err, fmt, ...) ({ dev_err(dev, fmt, ##__VA_ARGS__); (err); })

#endif
