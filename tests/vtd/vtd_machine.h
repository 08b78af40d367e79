#pragma once
#include "../support/observe.h"
// Machines behind an Intel VT-d unit for the driver's tests: one root complex,
// a root port and a PF (ATS, SR-IOV, optional PRI/PASID), booted in the kernel's order.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "../pci/machine_fixture.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/record.h"
#include "linux/vtd/qi.h"
#include "linux/vtd/rbtree.h"
#include "linux/vtd/vtd.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"

namespace atslab::test {

struct VtdSpec {
  PfSpec pf;
  policy::PciCoreSwitches switches;
  policy::AtsVariant variant = policy::AtsVariant::Upstream;
  hw::VtdUnit unit;  // ECAP bits (scalable mode by default)
  bool external_facing = false;
  bool hotplug = false;  // the PF sits in a hot-plug slot (absent at boot)
  bool rc_ats = true;    // the DMAR ATSR table lists the root port (dmar_ats_supported)
  std::string faults;    // a fault plan armed before boot
};

struct VtdMachine {
  System s;
  hw::pcie::FnId pf_fn = 0;

  explicit VtdMachine(const VtdSpec& v = {}) {
    hw::pcie::RootComplex rc;
    rc.iommu = hw::pcie::IommuKind::Vtd;
    rc.ats_supported = v.rc_ats;
    auto rcid = s.hw.pcie.add_root_complex(rc);
    auto port = s.hw.pcie.add_root_port(rcid, 1, v.external_facing);
    pf_fn = s.hw.pcie.add_function(rcid, port, 0, make_pf_config(v.pf), "test PF", v.hotplug);
    s.hw.vtd.push_back(v.unit);
    s.kernel.pci_switches = v.switches;
    s.kernel.vtd.policy = policy::policy_for(v.variant);
    s.faults.rules = faults::parse_plan(v.faults);
    pci::boot(s);
  }

  pci::DevId pf() const { return pci::dev_for_fn(s, pf_fn).value(); }
  std::vector<pci::DevId> vfs() const {
    std::vector<pci::DevId> out;
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_virtfn) out.push_back(d);
    return out;
  }
  const vtd::DeviceDomainInfo& info(pci::DevId d) const { return s.kernel.vtd.infos.at(vtd::info_of(s, d)); }
  bool in_tree(pci::DevId d) const { return vtd::in_device_rbtree(s, vtd::info_of(s, d)); }
  bool hw_ats_on(pci::DevId d) const { return test::hw_ats_on(s, d); }
  std::vector<int64_t> config_writes(pci::DevId d, size_t from = 0) const { return test::config_write_offsets(s, d, from); }
  std::vector<vtd::QiDesc> qi(size_t from = 0) const {
    std::vector<vtd::QiDesc> out;
    for (size_t i = from; i < s.record.events.size(); ++i)
      if (s.record.events[i].kind == kernel::EventKind::VtdQiDesc) out.push_back(vtd::decode(s.record.events[i]));
    return out;
  }
};

}  // namespace atslab::test
