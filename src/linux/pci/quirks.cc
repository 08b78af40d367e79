#include "linux/pci/quirks.h"

#include <array>

#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "policy/pci_switches.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::pci {

using kernel::Frame;
using kernel::KFn;

namespace {
constexpr uint16_t kAti = 0x1002, kIntel = 0x8086;

constexpr std::array<QuirkEntry, 24> kNoAtsQuirks = {{
    {kAti, 0x98e4, QuirkId::AmdHarvestNoAts, "AMD Stoney platform GPU"},
    {kAti, 0x6900, QuirkId::AmdHarvestNoAts, "AMD Iceland dGPU"},
    {kAti, 0x7310, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x7312, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x7318, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x7319, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x731a, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x731b, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x731e, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x731f, QuirkId::AmdHarvestNoAts, "AMD Navi10 dGPU"},
    {kAti, 0x7340, QuirkId::AmdHarvestNoAts, "AMD Navi14 dGPU"},
    {kAti, 0x7341, QuirkId::AmdHarvestNoAts, "AMD Navi14 dGPU"},
    {kAti, 0x7347, QuirkId::AmdHarvestNoAts, "AMD Navi14 dGPU"},
    {kAti, 0x734f, QuirkId::AmdHarvestNoAts, "AMD Navi14 dGPU"},
    {kAti, 0x15d8, QuirkId::AmdHarvestNoAts, "AMD Raven platform iGPU"},
    {kIntel, 0x1451, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x1452, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x1453, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x1454, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x1455, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x1457, QuirkId::IntelE2000NoAts, "Intel IPU E2000 (VF)"},
    {kIntel, 0x1459, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x145a, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
    {kIntel, 0x145c, QuirkId::IntelE2000NoAts, "Intel IPU E2000"},
}};

// The ATS-required table of quirks.c: a vendor, and either one device or a range of them.
struct AtsRequiredEntry {
  uint16_t vendor, first, last;
  std::string_view comment;
};
constexpr std::array<AtsRequiredEntry, 2> kAtsRequired = {{
    {0x10de, 0x2e00, 0x2e3f, "NVIDIA GB20B"},
    {0x15b3, 0x2101, 0x2101, "NVIDIA CX10 family NVLink-C2C"},
}};

// quirk_no_ats: upstream clears ats_cap; with the 2026 HEADER-phase change it
// sets no_ats instead, which pci_ats_init (not yet run) then honours.
void quirk_no_ats(System& s, DevId dev, QuirkId why) {
  Frame f(s, KFn::quirk_no_ats);
  kernel::dev_info(s, dev, "disabling ATS");
  PciDev& d = pdev(s, dev);
  const auto& sw = s.kernel.pci_switches;
  // Sketch 7b: keep ats_cap, so a later pci_disable_ats still finds the real ATS Control register.
  if (sw.no_ats_quirk_phase == policy::QuirkPhase::Header || sw.no_ats_quirk_keeps_ats_cap)
    d.no_ats = true;
  else
    d.ats_cap = 0;
  d.quirks_applied |= static_cast<QuirkMask>(1u << static_cast<unsigned>(why));
}

void quirk_amd_harvest_no_ats(System& s, DevId dev) {
  Frame f(s, KFn::quirk_amd_harvest_no_ats);
  const PciDev& d = pdev(s, dev);
  // Raven: only the harvested parts on these boards; every other listed ID unconditionally.
  if (d.device == 0x15d8) {
    bool board = d.subsystem_vendor == 0xea50 &&
                 (d.subsystem_device == 0xce19 || d.subsystem_device == 0xcc10 || d.subsystem_device == 0xcc08);
    if (d.revision == 0xcf && board) quirk_no_ats(s, dev, QuirkId::AmdHarvestNoAts);
  } else {
    quirk_no_ats(s, dev, QuirkId::AmdHarvestNoAts);
  }
}

void quirk_intel_e2000_no_ats(System& s, DevId dev) {
  Frame f(s, KFn::quirk_intel_e2000_no_ats);
  // Early E2000 steppings put the ATS Invalidate Request body in the wrong byte order.
  if (pdev(s, dev).revision < 0x20) quirk_no_ats(s, dev, QuirkId::IntelE2000NoAts);
}
}  // namespace

std::string_view name(FixupPhase p) {
  switch (p) {
    case FixupPhase::Early: return "early";
    case FixupPhase::Header: return "header";
    case FixupPhase::Final: return "final";
  }
  return "?";
}

std::string_view name(QuirkId q) {
  switch (q) {
    case QuirkId::AmdHarvestNoAts: return "quirk_amd_harvest_no_ats";
    case QuirkId::IntelE2000NoAts: return "quirk_intel_e2000_no_ats";
    case QuirkId::kCount: break;
  }
  return "?";
}

std::span<const QuirkEntry> no_ats_quirk_table() { return kNoAtsQuirks; }

FixupPhase no_ats_quirk_phase(const System& s) {
  return s.kernel.pci_switches.no_ats_quirk_phase == policy::QuirkPhase::Header ? FixupPhase::Header
                                                                                : FixupPhase::Final;
}

void fixup_device(System& s, FixupPhase phase, DevId dev) {
  Frame f(s, KFn::pci_fixup_device);
  static constexpr kernel::EventKind kPhaseEvent[] = {kernel::EventKind::FixupEarly, kernel::EventKind::FixupHeader,
                                                      kernel::EventKind::FixupFinal};
  s.record.event(kPhaseEvent[static_cast<int>(phase)], dev);
  if (phase == FixupPhase::Early) return;
  FixupPhase declared = no_ats_quirk_phase(s);
  for (const QuirkEntry& q : kNoAtsQuirks) {
    const PciDev& d = pdev(s, dev);
    if (q.vendor != d.vendor || q.device != d.device) continue;
    // The injected fault "quirk in the other phase" is decided at HEADER, the first of the two phases.
    if (phase == FixupPhase::Header && faults::inject(s, faults::Point::QuirkOtherPhase)) {
      if (declared == FixupPhase::Header) {
        pdev(s, dev).quirk_deferred = true;  // runs at FINAL instead
        continue;
      }
      declared = FixupPhase::Header;  // a FINAL quirk runs early, at HEADER
    }
    bool run = phase == declared || (phase == FixupPhase::Final && d.quirk_deferred);
    if (!run || (phase == FixupPhase::Final && declared == FixupPhase::Final && d.quirks_applied)) continue;
    s.record.event(kernel::EventKind::QuirkRan, dev, static_cast<int64_t>(q.quirk), static_cast<int64_t>(phase));
    switch (q.quirk) {
      case QuirkId::AmdHarvestNoAts: quirk_amd_harvest_no_ats(s, dev); break;
      case QuirkId::IntelE2000NoAts: quirk_intel_e2000_no_ats(s, dev); break;
      case QuirkId::kCount: break;
    }
  }
}

std::optional<FixupPhase> quirk_ran_in(const System& s, DevId dev, QuirkId q) {
  std::optional<FixupPhase> phase;
  for (const kernel::Event& e : s.record.events)
    if (e.kind == kernel::EventKind::QuirkRan && e.dev == dev && e.a == static_cast<int64_t>(q))
      phase = static_cast<FixupPhase>(e.b);
  return phase;
}

bool dev_specific_ats_required(const System& s, DevId dev) {
  const PciDev& d = pdev(s, dev);
  for (const AtsRequiredEntry& e : kAtsRequired)
    if (d.vendor == e.vendor && d.device >= e.first && d.device <= e.last) return true;
  return false;
}

}  // namespace atslab::pci
