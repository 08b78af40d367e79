#pragma once
// drivers/pci/quirks.c: the no-ATS quirks (section 2.1) and fixup phases.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

enum class FixupPhase : uint8_t { Early, Header, Final };
std::string_view name(FixupPhase p);

enum class QuirkId : uint8_t { AmdHarvestNoAts, IntelE2000NoAts, kCount };
std::string_view name(QuirkId q);  // the kernel function name

struct QuirkEntry {
  uint16_t vendor;
  uint16_t device;
  QuirkId quirk;
  std::string_view comment;  // the part, as quirks.c labels it
};

// The DECLARE_PCI_FIXUP_* table for the no-ATS quirks.
std::span<const QuirkEntry> no_ats_quirk_table();
// The phase the no-ATS quirks are declared in, given the kernel's switches.
FixupPhase no_ats_quirk_phase(const System& s);

// pci_dev_specific_ats_required (quirks.c since 7.x): devices that need ATS to work although they
// have no CXL.cache DVSEC (NVIDIA's GB20B GPUs, the CX10 NVLink-C2C bridge). pci_ats_required asks
// it for the PF of a VF. The model does not call it yet (ATS always on, issue 18); the source
// driver's stand-ins do, for trees whose ats.c has pci_ats_required.
bool dev_specific_ats_required(const System& s, DevId dev);

// pci_fixup_device(phase, dev): runs every quirk declared for this phase that matches the device.
void fixup_device(System& s, FixupPhase phase, DevId dev);

// The phase `q` last ran in for `dev`, from the record's QuirkRan events (nullopt: none recorded).
// Under the quirk.other_phase fault it is not the declared phase; the last run wins, as a slot may
// be reused after a hot-unplug. For observers (topo, audit): it runs no kernel code.
std::optional<FixupPhase> quirk_ran_in(const System& s, DevId dev, QuirkId q);

}  // namespace atslab::pci
