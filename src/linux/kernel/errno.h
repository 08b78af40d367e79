#pragma once
// Kernel error numbers. On Linux the C library's errno values are the
// kernel's own (EINVAL 22, EBUSY 16, ...), so the model uses them directly,
// returned negated as the kernel does.
#include <cerrno>
#include <string>

namespace atslab::kernel {

// The kernel-internal codes the C library lacks (include/linux/errno.h).
inline constexpr int EPROBE_DEFER = 517;  // driver probe: try again once a supplier (the IOMMU) is there

// "-EINVAL" for -22, "0" for 0, "-E123" for an unknown code.
std::string errname(int err);

}  // namespace atslab::kernel
