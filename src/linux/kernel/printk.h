#pragma once
// printk, dev_printk and WARN for the simulated kernel. A WARN is a
// first-class event: it is recorded with its location and call trace,
// counted, and logged as the kernel's splat.
#include <string>
#include <string_view>

#include "linux/kernel/kfunc.h"
#include "linux/kernel/record.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::kernel {

// A modelled kernel function's stack frame: pushes the name for call traces.
class Frame {
 public:
  Frame(System& s, KFn f);
  ~Frame();
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;

 private:
  System& s_;
};

void pr_info(System& s, std::string msg);
void dev_printk(System& s, Level level, pci::DevId dev, std::string_view msg);
inline void dev_err(System& s, pci::DevId dev, std::string_view msg) { dev_printk(s, Level::Err, dev, msg); }
inline void dev_warn(System& s, pci::DevId dev, std::string_view msg) { dev_printk(s, Level::Warning, dev, msg); }
inline void dev_info(System& s, pci::DevId dev, std::string_view msg) { dev_printk(s, Level::Info, dev, msg); }

// WARN_ON(cond) in the current function (the innermost Frame). Returns cond.
// `line` is the kernel source line where the model pins one (0 otherwise);
// `file` overrides the function's kfunc.def file (the kernel tree's own code gives its __FILE__).
bool warn_on(System& s, bool cond, std::string_view cond_text, int line = 0, std::string_view file = {});

// The name dev_printk puts before the device name: the bound driver, else the bus.
std::string_view dev_driver_name(const pci::PciDev& d);

}  // namespace atslab::kernel
