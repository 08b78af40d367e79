// printk and BUG from the tree's code (linux/printk.h, linux/dev_printk.h,
// linux/bug.h stand-ins): lines into the record's dmesg, as atslab's own
// kernel code writes them.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace {

atslab::kernel::Level level_of(int level) {
  using atslab::kernel::Level;
  if (level <= 3) return Level::Err;
  if (level == 4) return Level::Warning;
  if (level <= 6) return Level::Info;
  return Level::Debug;
}

}  // namespace

extern "C" void atslab_log(int level, int dev_kind, unsigned int dev_id, const char* driver, const char* name,
                           const char* text) {
  atslab::System& s = atslab::kernel_src::KernelCall::system();
  const auto lv = level_of(level);
  if (dev_kind == 1) {  // ATSLAB_DEV_PCI: the line atslab's own dev_printk writes for this device
    atslab::kernel::dev_printk(s, lv, dev_id, text);
    return;
  }
  std::string line = dev_kind ? fmt::format("{} {}: {}", driver ? driver : "platform", name ? name : "?", text) : text;
  s.record.log.push_back({s.record.next(), lv, std::move(line)});
}

extern "C" void atslab_bug(const char* file, int line, const char* func) {
  // The kernel would oops; the simulation cannot go on with this call.
  throw std::runtime_error(fmt::format("kernel BUG at {}:{} in {}", file, line, func));
}
