/*
 * Stand-in for include/linux/sizes.h.
 * Routes to: constants.
 */
#ifndef ATSLAB_LINUX_SIZES_H
#define ATSLAB_LINUX_SIZES_H

#define SZ_4K 0x00001000
#define SZ_16K 0x00004000
#define SZ_64K 0x00010000
#define SZ_128K 0x00020000
#define SZ_2M 0x00200000
#define SZ_32M 0x02000000
#define SZ_512M 0x20000000
#define SZ_1G 0x40000000

#endif
