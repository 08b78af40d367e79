/*
 * Stand-in for include/linux/compiler_types.h, force-included like
 * kconfig.h: the annotations kernel code is written with.
 * Routes to: GCC attributes, or nothing where the annotation is for sparse.
 */
#ifndef ATSLAB_LINUX_COMPILER_TYPES_H
#define ATSLAB_LINUX_COMPILER_TYPES_H

/* sparse's address-space and lock annotations: no meaning to a C compiler. */
#define __iomem
#define __user
#define __force
#define __rcu
/* The flexible-array bound annotation: checked by the kernel's compilers, here a no-op. */
#define __counted_by(member)
#define __percpu
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)

#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define __must_check __attribute__((__warn_unused_result__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __cold __attribute__((__cold__))
#define __init
#define __exit
#define fallthrough __attribute__((__fallthrough__))

#endif
