#pragma once
// Names of modelled kernel functions, as they appear in call traces.
#include <cstdint>
#include <string_view>

namespace atslab::kernel {

enum class KFn : uint16_t {
#define X(name, file) name,
#include "linux/kernel/kfunc.def"
#undef X
  kCount
};

std::string_view name(KFn f);
std::string_view source_file(KFn f);  // the kernel source file defining it

}  // namespace atslab::kernel
