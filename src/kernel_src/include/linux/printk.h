/*
 * Stand-in for include/linux/printk.h: pr_err and friends.
 * Routes to: atslab_printk -> the record's dmesg (kernel::Record::log), at
 * the line's level.
 */
#ifndef ATSLAB_LINUX_PRINTK_H
#define ATSLAB_LINUX_PRINTK_H

#include <atslab/kernel_abi.h>

/* A file's prefix for its pr_* lines, as it defines pr_fmt before including this. */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_err(fmt, ...) atslab_printk(3, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) atslab_printk(4, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) atslab_printk(5, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) atslab_printk(6, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) do { if (0) atslab_printk(7, NULL, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define pr_err_ratelimited pr_err
#define pr_warn_ratelimited pr_warn

#endif
