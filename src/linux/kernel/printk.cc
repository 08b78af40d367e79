#include "linux/kernel/printk.h"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

#include "linux/system.h"

namespace atslab::kernel {

Frame::Frame(System& s, KFn f) : s_(s) { s_.kernel.ctx.stack.push_back(f); }
Frame::~Frame() { s_.kernel.ctx.stack.pop_back(); }

void pr_info(System& s, std::string msg) {
  s.record.log.push_back({s.record.next(), Level::Info, std::move(msg)});
}

std::string_view dev_driver_name(const pci::PciDev& d) {
  if (d.driver_bound) {
    switch (d.driver) {
      case pci::DriverKind::VfioPci: return "vfio-pci";
      case pci::DriverKind::Native: return "atslab-native";
      case pci::DriverKind::None: break;
    }
  }
  if (d.hdr_type == hw::pcie::hdr::kTypeBridge) return "pcieport";
  return "pci";
}

void dev_printk(System& s, Level level, pci::DevId dev, std::string_view msg) {
  const pci::PciDev& d = s.kernel.devs.at(dev);
  s.record.log.push_back({s.record.next(), level, fmt::format("{} {}: {}", dev_driver_name(d), d.bdf.str(), msg)});
}

bool warn_on(System& s, bool cond, std::string_view cond_text, int line, std::string_view file) {
  if (!cond) return false;
  const auto& ctx = s.kernel.ctx;
  Warning w;
  w.seq = s.record.next();
  // Every modelled function that can WARN opens a frame; an empty stack is a modelling bug.
  if (ctx.stack.empty()) throw std::logic_error("WARN outside any modelled kernel function: " + std::string(cond_text));
  w.function = ctx.stack.back();
  w.file = std::string(file.empty() ? source_file(w.function) : file);
  w.line = line;
  w.condition = std::string(cond_text);
  w.call_trace.assign(ctx.stack.rbegin(), ctx.stack.rend());
  w.cpu = ctx.cpu;
  w.comm = ctx.comm;
  std::string where = line ? fmt::format("{}:{}", w.file, line) : w.file;
  s.record.log.push_back({w.seq, Level::Warning,
                          fmt::format("WARNING: {} at {}, CPU#{}: {}", where, name(w.function), w.cpu, w.comm)});
  s.record.warnings.push_back(std::move(w));
  return true;
}

}  // namespace atslab::kernel
