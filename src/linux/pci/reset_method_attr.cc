#include "linux/pci/reset_method_attr.h"

#include <array>
#include <cctype>
#include <fmt/format.h>

#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/reset_methods.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;

namespace {

// sysfs_streq: equal, a single trailing newline on either side ignored ("bus\n" from echo).
bool sysfs_streq(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '\n') a.remove_suffix(1);
  if (!b.empty() && b.back() == '\n') b.remove_suffix(1);
  return a == b;
}

// strim: leading and trailing white space off.
std::string_view strim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool reset_method_attr_visible(const System& s, DevId dev) { return pdev(s, dev).reset_attrs_visible; }

uint8_t reset_method_lookup(std::string_view name) {
  for (size_t m = 1; m < kNumResetMethods; ++m)
    if (sysfs_streq(name, reset_method_name(static_cast<ResetMethod>(m)))) return static_cast<uint8_t>(m);
  return 0;
}

std::string reset_method_show(const System& s, DevId dev) {
  std::string out;
  for (uint8_t m : pdev(s, dev).reset_methods) {
    if (!m) break;
    out += fmt::format("{}{}", out.empty() ? "" : " ", reset_method_name(static_cast<ResetMethod>(m)));
  }
  return out.empty() ? out : out + "\n";
}

int reset_method_store(System& s, DevId dev, std::string_view buf) {
  Frame f(s, KFn::reset_method_store);
  if (sysfs_streq(buf, "")) {
    pdev(s, dev).reset_methods[0] = 0;
    kernel::dev_warn(s, dev, "All device reset methods disabled by user");
    return 0;
  }
  if (sysfs_streq(buf, "default")) {
    init_reset_methods(s, dev);  // every probe again, on a function that may be in use
    return 0;
  }
  // The new list is built aside: any error leaves dev->reset_methods as it was (though the probes
  // already made have run, with whatever the IOMMU did around them).
  std::array<uint8_t, kNumResetMethods> methods{};
  size_t n = 0;
  std::string_view rest = buf;
  while (true) {
    // strsep on ' ': empty tokens (runs of spaces, the end) are skipped.
    const size_t sp = rest.find(' ');
    std::string_view name = rest.substr(0, sp);
    const bool last = sp == std::string_view::npos;
    if (!last) rest.remove_prefix(sp + 1);
    if (!sysfs_streq(name, "")) {
      name = strim(name);
      const uint8_t m = reset_method_lookup(name);
      if (!m) {
        kernel::dev_err(s, dev, fmt::format("Invalid reset method '{}'", name));
        return -EINVAL;
      }
      if (reset_fn_method(s, dev, static_cast<ResetMethod>(m), kResetProbe)) {
        kernel::dev_err(s, dev, fmt::format("Unsupported reset method '{}'", name));
        return -EINVAL;
      }
      if (n == kNumResetMethods - 1) {
        kernel::dev_err(s, dev, "Too many reset methods");
        return -EINVAL;
      }
      methods[n++] = m;
    }
    if (last) break;
  }
  // The device-specific method, supported but not first: a warning (never, in the model).
  if (reset_fn_method(s, dev, ResetMethod::DeviceSpecific, kResetProbe) == 0 &&
      methods[0] != static_cast<uint8_t>(ResetMethod::DeviceSpecific))
    kernel::dev_warn(s, dev, "Device-specific reset disabled/de-prioritized by user");
  pdev(s, dev).reset_methods = methods;
  return 0;
}

}  // namespace atslab::pci
