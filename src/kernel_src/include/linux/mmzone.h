/*
 * Stand-in for include/linux/mmzone.h: the largest buddy allocation, which
 * bounds the SMMU driver's queue sizes (Q_MAX_SZ_SHIFT).
 * Routes to: arm64's default (MAX_PAGE_ORDER 10 with 4 KiB pages).
 */
#ifndef ATSLAB_LINUX_MMZONE_H
#define ATSLAB_LINUX_MMZONE_H

#include <asm/page.h>

#define MAX_PAGE_ORDER 10

#endif
