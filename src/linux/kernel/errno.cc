#include "linux/kernel/errno.h"

#include <fmt/format.h>

namespace atslab::kernel {

std::string errname(int err) {
  if (err == 0) return "0";
  switch (-err) {
    case EPERM: return "-EPERM";
    case ENOENT: return "-ENOENT";
    case EIO: return "-EIO";
    case ENXIO: return "-ENXIO";
    case ENOMEM: return "-ENOMEM";
    case EBUSY: return "-EBUSY";
    case ENODEV: return "-ENODEV";
    case EINVAL: return "-EINVAL";
    case ENOSPC: return "-ENOSPC";
    case ERANGE: return "-ERANGE";
    case EOPNOTSUPP: return "-EOPNOTSUPP";
    case ETIMEDOUT: return "-ETIMEDOUT";
    default: return fmt::format("-E{}", -err);
  }
}

}  // namespace atslab::kernel
