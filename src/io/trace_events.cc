#include "io/trace_events.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

#include "hw/smmuv3/command.h"
#include "linux/kernel/record.h"

namespace atslab::io {

using nlohmann::json;

namespace {
constexpr int kPidWorkload = 1, kPidSmmu = 2, kPidDevices = 3, kPidKernel = 4;

json meta(int pid, int tid, const std::string& what, const std::string& name) {
  return {{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", what}, {"args", {{"name", name}}}};
}
json instant(int pid, int tid, uint64_t ts, const std::string& name, json args, const char* scope = "t") {
  return {{"ph", "i"}, {"pid", pid}, {"tid", tid}, {"ts", ts}, {"name", name}, {"s", scope}, {"args", std::move(args)}};
}
}  // namespace

std::string chrome_trace(const System& s, const std::vector<sim::StepResult>& steps,
                         const std::vector<check::Violation>& violations, const std::string& title) {
  json ev = json::array();
  ev.push_back(meta(kPidWorkload, 0, "process_name", "workload: " + title));
  ev.push_back(meta(kPidSmmu, 0, "process_name", "IOMMU hardware"));
  ev.push_back(meta(kPidDevices, 0, "process_name", "PCI functions"));
  ev.push_back(meta(kPidKernel, 0, "process_name", "kernel: WARNs and invariant violations"));
  for (const auto& st : steps)
    ev.push_back({{"ph", "X"}, {"pid", kPidWorkload}, {"tid", 0}, {"ts", st.begin}, {"dur", std::max<uint64_t>(1, st.end - st.begin)},
                  {"name", st.what}, {"args", {{"ret", st.ret}}}});
  std::vector<bool> named_dev(s.kernel.devs.size(), false);
  std::set<uint32_t> named_fn;
  for (const auto& e : s.record.events) {
    switch (e.kind) {
      case kernel::EventKind::SmmuCommand: {
        auto op = hw::smmuv3::op_from_code(static_cast<uint8_t>(e.a));
        ev.push_back(instant(kPidSmmu, static_cast<int>(e.dev), e.seq, op ? hw::smmuv3::op_name(*op) : "?", {{"arg", e.b}}));
        break;
      }
      case kernel::EventKind::SteWrite:
        ev.push_back(instant(kPidSmmu, static_cast<int>(e.dev), e.seq, fmt::format("STE {:#x} <- EATS {}", e.a, (e.b >> 28) & 3),
                             {{"sid", e.a}, {"qword1", fmt::format("{:#018x}", e.b)}}));
        break;
      case kernel::EventKind::ConfigWrite:
      case kernel::EventKind::IommuProbe:
      case kernel::EventKind::IommuRelease:
      case kernel::EventKind::DriverBind:
      case kernel::EventKind::DeviceAdd:
      case kernel::EventKind::DeviceDel: {
        if (e.dev >= s.kernel.devs.size()) break;
        if (!named_dev[e.dev]) {
          ev.push_back(meta(kPidDevices, static_cast<int>(e.dev), "thread_name", s.kernel.devs[e.dev].bdf.str()));
          named_dev[e.dev] = true;
        }
        std::string name = e.kind == kernel::EventKind::ConfigWrite ? fmt::format("cfg[{:#x}] <- {:#x}", e.a, e.b & 0xffffffff)
                           : e.kind == kernel::EventKind::IommuProbe ? fmt::format("iommu probe (ats_supported={})", e.a)
                           : e.kind == kernel::EventKind::IommuRelease ? fmt::format("iommu release (ats_supported={})", e.a)
                           : e.kind == kernel::EventKind::DriverBind ? "driver bound"
                           : e.kind == kernel::EventKind::DeviceAdd ? "device_add"
                                                                     : "device_del";
        ev.push_back(instant(kPidDevices, static_cast<int>(e.dev), e.seq, name, json::object()));
        break;
      }
      case kernel::EventKind::DeviceDma:
      case kernel::EventKind::AtsTranslation:
      case kernel::EventKind::StaleAtcUse: {
        // A function's own requests, on a thread per hardware function (beside the pci_dev threads).
        const int tid = 100000 + static_cast<int>(e.dev);
        if (e.dev < s.hw.pcie.functions().size() && named_fn.insert(e.dev).second)
          ev.push_back(meta(kPidDevices, tid, "thread_name", s.hw.pcie.fn(e.dev).bdf.str() + " (requests)"));
        std::string name = e.kind == kernel::EventKind::DeviceDma        ? fmt::format("DMA {:#x}", e.a)
                           : e.kind == kernel::EventKind::AtsTranslation ? fmt::format("ATS TR {:#x}", e.a)
                                                                         : fmt::format("stale ATC use {:#x}", e.a);
        ev.push_back(instant(kPidDevices, tid, e.seq, name,
                             {{"iova", fmt::format("{:#x}", e.a)}, {"pa", e.b < 0 ? std::string("-") : fmt::format("{:#x}", e.b)}}));
        break;
      }
      default:
        break;
    }
  }
  for (const auto& w : s.record.warnings) {
    json trace = json::array();
    for (auto f : w.call_trace) trace.push_back(std::string(kernel::name(f)));
    ev.push_back(instant(kPidKernel, 0, w.seq, "WARNING at " + std::string(kernel::name(w.function)),
                         {{"condition", w.condition}, {"call_trace", trace}}, "g"));
  }
  for (const auto& v : violations)
    ev.push_back(instant(kPidKernel, 1, v.seq, fmt::format("invariant {} violated", v.invariant),
                         {{"objects", v.objects}, {"detail", v.detail}, {"step", v.step}}, "g"));
  return json{{"traceEvents", ev}, {"displayTimeUnit", "ns"}}.dump() + "\n";
}

}  // namespace atslab::io
