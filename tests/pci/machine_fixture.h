#pragma once
// Small machines for PCI-core tests: an ATS-capable root complex, a root port
// (optionally external-facing), and one PF with ATS and SR-IOV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "linux/pci/access.h"
#include "linux/pci/iov.h"
#include "linux/pci/probe.h"
#include "linux/system.h"

namespace atslab::test {

struct PfSpec {
  uint16_t vendor = 0x15b3;
  uint16_t device = 0x101d;
  uint16_t vf_device = 0x101e;
  uint8_t revision = 0;
  bool ats = true;
  uint8_t qdep = 0;
  bool page_aligned = true;
  uint16_t total_vfs = 4;
  uint16_t vf_offset = 1, vf_stride = 1;
  bool pri = false, pasid = false, ee_tlp_prefix = true;
};

struct MachineSpec {
  // No IOMMU driver by default: PCI-core tests see ats.c alone. Probe-order tests ask for one.
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::None;
  bool external_facing = false;
  bool hotplug = false;  // the PF sits in a hot-plug slot (absent at boot)
  policy::PciCoreSwitches switches;
  PfSpec pf;
};

inline hw::pcie::ConfigSpace make_pf_config(const PfSpec& p) {
  hw::pcie::ConfigBuilder b({.vendor = p.vendor, .device = p.device, .class_code = 0x020000, .revision = p.revision,
                             .subsystem_vendor = p.vendor, .subsystem_device = 0x0001});
  b.add_pcie(hw::pcie::exp::Type::Endpoint, p.ee_tlp_prefix);
  if (p.ats) b.add_ats({.qdep = p.qdep, .page_aligned = p.page_aligned});
  if (p.total_vfs)
    b.add_sriov({.total_vfs = p.total_vfs, .vf_offset = p.vf_offset, .vf_stride = p.vf_stride, .vf_device = p.vf_device});
  if (p.pri) b.add_pri({});
  if (p.pasid) b.add_pasid({.max_width = 16, .exec = true});
  return b.build();
}

struct Machine {
  System s;
  hw::pcie::FnId port_fn = 0, pf_fn = 0;

  explicit Machine(const MachineSpec& m = {}) {
    hw::pcie::RootComplex rc;
    rc.iommu = m.iommu;
    auto rcid = s.hw.pcie.add_root_complex(rc);
    port_fn = s.hw.pcie.add_root_port(rcid, 1, m.external_facing);
    pf_fn = s.hw.pcie.add_function(rcid, port_fn, 0, make_pf_config(m.pf), "test PF", m.hotplug);
    s.kernel.pci_switches = m.switches;
    pci::boot(s);
  }

  pci::DevId dev_of(hw::pcie::FnId fn) const { return pci::dev_for_fn(s, fn).value(); }
  pci::DevId pf() const { return dev_of(pf_fn); }
  pci::DevId port() const { return dev_of(port_fn); }
  // The VFs' pci_devs after enabling `n` of them.
  std::vector<pci::DevId> enable_vfs(uint16_t n) {
    EXPECT_EQ(pci::enable_sriov(s, pf(), n), 0);
    std::vector<pci::DevId> vfs;
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_virtfn && s.kernel.devs[d].physfn == pf()) vfs.push_back(d);
    return vfs;
  }
  // ATS Control as the hardware holds it.
  uint16_t ats_ctrl(pci::DevId d) const {
    const auto& fn = s.hw.pcie.fn(s.kernel.devs[d].fn);
    return fn.cfg.read16(hw::pcie::find_ext_cap(fn.cfg, hw::pcie::ext_cap::kAts) + hw::pcie::ats::kCtrl);
  }
  size_t config_writes() const {
    return std::count_if(s.record.events.begin(), s.record.events.end(),
                         [](const kernel::Event& e) { return e.kind == kernel::EventKind::ConfigWrite; });
  }
  size_t warnings() const { return s.record.warnings.size(); }
};

}  // namespace atslab::test
