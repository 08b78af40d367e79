#pragma once
// Which code plays the kernel: atslab's own reading of it (src/linux), or the
// kernel tree's own files compiled in user space (src/kernel_src,
// docs/kernel-source.md). `--driver model|source` on the command line.
#include <cstdint>
#include <optional>
#include <string_view>

namespace atslab::policy {

enum class Driver : uint8_t {
  Model,   // src/linux: the hand-written model
  Source,  // src/kernel_src: the tree's own .c files against atslab's stand-in headers
};

std::string_view name(Driver d);
std::optional<Driver> parse_driver(std::string_view s);

}  // namespace atslab::policy
