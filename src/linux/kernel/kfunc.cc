#include "linux/kernel/kfunc.h"

#include <array>

namespace atslab::kernel {

namespace {
struct Entry {
  std::string_view name, file;
};
constexpr std::array<Entry, static_cast<size_t>(KFn::kCount)> kTable = {{
#define X(n, f) {#n, f},
#include "linux/kernel/kfunc.def"
#undef X
}};
}  // namespace

std::string_view name(KFn f) { return kTable.at(static_cast<size_t>(f)).name; }
std::string_view source_file(KFn f) { return kTable.at(static_cast<size_t>(f)).file; }

}  // namespace atslab::kernel
