#include "io/trace_events.h"

#include <fmt/format.h>

#include "hw/smmuv3/command.h"
#include "linux/kernel/preempt.h"
#include "linux/kernel/record.h"

namespace atslab::io {

using nlohmann::json;

namespace {
constexpr int kPidCpus = 1, kPidSmmu = 2, kPidDevices = 3, kPidKernel = 4;
// Hardware functions' own requests sit beside the pci_dev threads, on tids from here.
constexpr int kFnTidBase = 100000;

json meta(int pid, int tid, const std::string& what, const std::string& name) {
  return {{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", what}, {"args", {{"name", name}}}};
}
json instant(int pid, int tid, uint64_t ts, const std::string& name, json args, const char* scope = "t") {
  return {{"ph", "i"}, {"pid", pid}, {"tid", tid}, {"ts", ts}, {"name", name}, {"s", scope}, {"args", std::move(args)}};
}
}  // namespace

ChromeTrace::ChromeTrace(const std::string& title, size_t max_events) : max_events_(max_events) {
  events_.push_back(meta(kPidCpus, 0, "process_name", "CPUs: " + title));
  events_.push_back(meta(kPidCpus, 0, "thread_name", "CPU 0 (the workload)"));
  events_.push_back(meta(kPidCpus, 1, "thread_name", "CPU 1 (at interleaving points)"));
  events_.push_back(meta(kPidSmmu, 0, "process_name", "IOMMU hardware"));
  events_.push_back(meta(kPidDevices, 0, "process_name", "PCI functions"));
  events_.push_back(meta(kPidKernel, 0, "process_name", "kernel: WARNs and invariant violations"));
}

void ChromeTrace::push(json e) {
  if (events_.size() >= max_events_) {
    ++dropped_;
    return;
  }
  events_.push_back(std::move(e));
}

void ChromeTrace::cpu_slice(int cpu, uint64_t begin, uint64_t end, std::string name, json args) {
  push({{"ph", "X"}, {"pid", kPidCpus}, {"tid", cpu}, {"ts", begin}, {"dur", std::max<uint64_t>(1, end - begin)},
        {"name", std::move(name)}, {"args", std::move(args)}});
}

void ChromeTrace::add_step(const sim::StepResult& st) {
  cpu_slice(0, st.begin, st.end, st.what, {{"ret", st.ret}});
  cpu1_names_ = st.cpu1;
  cpu1_next_ = 0;
}

void ChromeTrace::add_events(const System& s, size_t from, size_t to) {
  named_dev_.resize(s.kernel.devs.size(), false);
  named_fn_.resize(s.hw.pcie.functions().size(), false);
  for (size_t i = from; i < to && i < s.record.events.size(); ++i) {
    const auto& e = s.record.events[i];
    switch (e.kind) {
      case kernel::EventKind::InterleaveBegin:
        cpu_ = 1;
        cpu1_begin_ = e.seq;
        cpu1_point_ = e.a;
        break;
      case kernel::EventKind::InterleaveEnd: {
        std::string what = cpu1_next_ < cpu1_names_.size() ? cpu1_names_[cpu1_next_++] : "another CPU's operation";
        auto point = static_cast<kernel::PreemptPoint>(cpu1_point_);
        cpu_slice(1, cpu1_begin_, e.seq, what, {{"at", std::string(kernel::name(point))}, {"ret", e.a}});
        cpu_ = 0;
        break;
      }
      case kernel::EventKind::AttachPrepareBegin:
        attach_[cpu_] = {.prepare_begin = e.seq, .dev = e.dev, .in_prepare = true};
        break;
      case kernel::EventKind::AttachPrepareEnd: {
        Attach& a = attach_[cpu_];
        if (!a.in_prepare) break;
        cpu_slice(cpu_, a.prepare_begin, e.seq, "arm_smmu_attach_prepare", {{"dev", e.dev}, {"ret", e.a}});
        a.in_prepare = false;
        a.in_install = e.a == 0;  // a failed prepare has no install or commit
        a.install_begin = e.seq;
        break;
      }
      case kernel::EventKind::AttachCommitEnd: {
        Attach& a = attach_[cpu_];
        if (!a.in_install) break;
        cpu_slice(cpu_, a.install_begin, e.seq, "STE/CD install, arm_smmu_attach_commit", {{"dev", e.dev}, {"ret", e.a}});
        a.in_install = false;
        break;
      }
      case kernel::EventKind::SmmuCommand: {
        auto op = hw::smmuv3::op_from_code(static_cast<uint8_t>(e.a));
        json args{{"arg", e.b}};
        // An ATC_INV's range is the event after it (AtcInvRange).
        if (i + 1 < s.record.events.size() && s.record.events[i + 1].kind == kernel::EventKind::AtcInvRange)
          args["range"] = hw::smmuv3::describe_atc_inv_range(s.record.events[i + 1].a, s.record.events[i + 1].b);
        push(instant(kPidSmmu, static_cast<int>(e.dev), e.seq, op ? hw::smmuv3::op_name(*op) : "?", std::move(args)));
        break;
      }
      case kernel::EventKind::SteWrite:
        push(instant(kPidSmmu, static_cast<int>(e.dev), e.seq, fmt::format("STE {:#x} <- EATS {}", e.a, (e.b >> 28) & 3),
                     {{"sid", e.a}, {"qword1", fmt::format("{:#018x}", e.b)}}));
        break;
      case kernel::EventKind::ConfigWrite:
      case kernel::EventKind::IommuProbe:
      case kernel::EventKind::IommuRelease:
      case kernel::EventKind::DriverBind:
      case kernel::EventKind::DeviceAdd:
      case kernel::EventKind::DeviceDel: {
        if (e.dev >= s.kernel.devs.size()) break;
        if (!named_dev_[e.dev]) {
          push(meta(kPidDevices, static_cast<int>(e.dev), "thread_name", s.kernel.devs[e.dev].bdf.str()));
          named_dev_[e.dev] = true;
        }
        std::string name = e.kind == kernel::EventKind::ConfigWrite ? fmt::format("cfg[{:#x}] <- {:#x}", e.a, e.b & 0xffffffff)
                           : e.kind == kernel::EventKind::IommuProbe ? fmt::format("iommu probe (ats_supported={})", e.a)
                           : e.kind == kernel::EventKind::IommuRelease ? fmt::format("iommu release (ats_supported={})", e.a)
                           : e.kind == kernel::EventKind::DriverBind ? "driver bound"
                           : e.kind == kernel::EventKind::DeviceAdd ? "device_add"
                                                                     : "device_del";
        push(instant(kPidDevices, static_cast<int>(e.dev), e.seq, name, json::object()));
        break;
      }
      case kernel::EventKind::DeviceDma:
      case kernel::EventKind::AtsTranslation:
      case kernel::EventKind::StaleAtcUse: {
        const int tid = kFnTidBase + static_cast<int>(e.dev);
        if (e.dev < named_fn_.size() && !named_fn_[e.dev]) {
          push(meta(kPidDevices, tid, "thread_name", s.hw.pcie.fn(e.dev).bdf.str() + " (requests)"));
          named_fn_[e.dev] = true;
        }
        std::string name = e.kind == kernel::EventKind::DeviceDma        ? fmt::format("DMA {:#x}", e.a)
                           : e.kind == kernel::EventKind::AtsTranslation ? fmt::format("ATS TR {:#x}", e.a)
                                                                         : fmt::format("stale ATC use {:#x}", e.a);
        push(instant(kPidDevices, tid, e.seq, name,
                     {{"iova", fmt::format("{:#x}", e.a)}, {"pa", e.b < 0 ? std::string("-") : fmt::format("{:#x}", e.b)}}));
        break;
      }
      default:
        break;
    }
  }
}

void ChromeTrace::add_warnings(const System& s, size_t from) {
  for (size_t i = from; i < s.record.warnings.size(); ++i) {
    const auto& w = s.record.warnings[i];
    json trace = json::array();
    for (auto f : w.call_trace) trace.push_back(std::string(kernel::name(f)));
    push(instant(kPidKernel, 0, w.seq, "WARNING at " + std::string(kernel::name(w.function)),
                 {{"condition", w.condition}, {"call_trace", trace}}, "g"));
  }
}

void ChromeTrace::add_violation(const check::Violation& v) {
  push(instant(kPidKernel, 1, v.seq, fmt::format("invariant {} violated", v.invariant),
               {{"objects", v.objects}, {"detail", v.detail}, {"step", v.step}}, "g"));
}

std::string ChromeTrace::str() const {
  json doc{{"traceEvents", events_}, {"displayTimeUnit", "ns"}};
  if (dropped_) doc["otherData"] = {{"dropped_events", dropped_}};
  return doc.dump() + "\n";
}

std::string chrome_trace(const System& s, const std::vector<sim::StepResult>& steps,
                         const std::vector<check::Violation>& violations, const std::string& title) {
  ChromeTrace t(title);
  size_t i = 0;
  for (const auto& st : steps) {
    t.add_step(st);
    size_t j = i;
    while (j < s.record.events.size() && s.record.events[j].seq <= st.end) ++j;
    t.add_events(s, i, j);
    i = j;
  }
  t.add_events(s, i, s.record.events.size());
  t.add_warnings(s);
  for (const auto& v : violations) t.add_violation(v);
  return t.str();
}

}  // namespace atslab::io
