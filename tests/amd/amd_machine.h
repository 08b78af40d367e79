#pragma once
#include "../support/observe.h"
// Machines behind an AMD-Vi IOMMU for the driver's tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "../pci/machine_fixture.h"
#include "linux/amd/amd.h"
#include "linux/amd/cmd.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/record.h"

namespace atslab::test {

struct AmdSpec {
  PfSpec pf;
  policy::PciCoreSwitches switches;
  policy::AtsVariant variant = policy::AtsVariant::Upstream;
  bool iotlb_sup = true;  // amd_iommu_iotlb_sup
};

struct AmdMachine {
  System s;
  hw::pcie::FnId pf_fn = 0;

  explicit AmdMachine(const AmdSpec& v = {}) {
    hw::pcie::RootComplex rc;
    rc.iommu = hw::pcie::IommuKind::Amd;
    auto rcid = s.hw.pcie.add_root_complex(rc);
    auto port = s.hw.pcie.add_root_port(rcid, 1);
    pf_fn = s.hw.pcie.add_function(rcid, port, 0, make_pf_config(v.pf), "test PF");
    s.kernel.pci_switches = v.switches;
    s.kernel.amd.policy = policy::policy_for(v.variant);
    s.kernel.amd.iotlb_sup = v.iotlb_sup;
    pci::boot(s);
  }

  pci::DevId pf() const { return pci::dev_for_fn(s, pf_fn).value(); }
  std::vector<pci::DevId> vfs() const {
    std::vector<pci::DevId> out;
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_virtfn) out.push_back(d);
    return out;
  }
  const amd::IommuDevData& data(pci::DevId d) const { return s.kernel.amd.dev_data.at(amd::dev_data_of(s, d)); }
  bool hw_ats_on(pci::DevId d) const { return test::hw_ats_on(s, d); }
  std::vector<int64_t> config_writes(pci::DevId d, size_t from = 0) const { return test::config_write_offsets(s, d, from); }
  std::vector<amd::Cmd> cmds(size_t from = 0) const {
    std::vector<amd::Cmd> out;
    for (size_t i = from; i < s.record.events.size(); ++i)
      if (s.record.events[i].kind == kernel::EventKind::AmdCommand) out.push_back(amd::decode(s.record.events[i]));
    return out;
  }
  iommu::DomainId default_domain(pci::DevId d) const { return iommu::group(s, iommu::group_of(s, d)).default_domain; }
};

}  // namespace atslab::test
