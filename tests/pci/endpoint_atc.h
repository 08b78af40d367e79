#pragma once
// A booted machine's first PF, seen from its ATC: the set-up the ATC tests behind
// VT-d and AMD-Vi share (each adds what its IOMMU's tables look like).
#include <vector>

#include "check/atc_oracle.h"
#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "linux/iommu/iommu.h"
#include "linux/system.h"

namespace atslab::test {

// What the ATC oracle (invariant 20) says about the state.
inline std::vector<check::Violation> oracle(const System& s) {
  std::vector<check::Violation> out;
  check::atc_oracle(s, out);
  return out;
}

// `MachineT` (VtdMachine, AmdMachine) booted from `SpecT`; its PF, the PF's function and the
// domain its group is on.
template <typename MachineT, typename SpecT>
struct EndpointAtc {
  MachineT m;
  pci::DevId dev;
  hw::pcie::FnId fn;
  iommu::DomainId dom;
  explicit EndpointAtc(const SpecT& spec = {})
      : m(spec), dev(m.pf()), fn(m.s.kernel.devs[dev].fn), dom(iommu::group(m.s, iommu::group_of(m.s, dev)).domain) {}
  const std::vector<hw::pcie::AtcEntry>& atc() const { return m.s.hw.pcie.fn(fn).atc.entries; }
  bool cached(uint64_t iova) const { return m.s.hw.pcie.fn(fn).atc.lookup(false, 0, iova).has_value(); }
};

}  // namespace atslab::test
