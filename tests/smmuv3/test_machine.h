#pragma once
// A machine with one SMMUv3 behind one root complex: a root port and an
// ATS-capable endpoint below it, stream ID = the endpoint's requester ID.
#include "hw/machine.h"
#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "hw/smmuv3/regs.h"

namespace atslab::test {

struct TestMachine {
  hw::Machine m;
  hw::pcie::FnId ep = hw::pcie::kNoFn;
  uint32_t sid = 0;

  explicit TestMachine(uint8_t ats_qdep = 0) {
    using namespace hw::pcie;
    RootComplex rc;
    rc.iommu = IommuKind::Smmuv3;
    const RcId r = m.pcie.add_root_complex(rc);
    const FnId port = m.pcie.add_root_port(r, 1);
    ConfigBuilder b(HeaderSpec{0x15b3, 0x101d, 0x020000, 0, 0, 0, false, false});
    b.add_pcie(exp::Type::Endpoint);
    b.add_ats(AtsCapSpec{ats_qdep, false, false});
    ep = m.pcie.add_function(r, port, 0, b.build(), "ats endpoint");
    m.pcie.finalize();
    sid = m.pcie.fn(ep).bdf.rid();
    hw::smmuv3::Smmu s;
    s.cr0 = hw::smmuv3::reg::kCr0SmmuEn | hw::smmuv3::reg::kCr0CmdqEn | hw::smmuv3::reg::kCr0EvtqEn |
            hw::smmuv3::reg::kCr0AtsChk;
    s.rc = r;
    m.smmus.push_back(s);
  }

  // What pci_enable_ats / pci_disable_ats write: the Enable bit (STU 0, 4 KiB).
  void set_ats(bool on) {
    using namespace hw::pcie;
    const uint16_t pos = find_ext_cap(m.pcie.fn(ep).cfg, ext_cap::kAts);
    m.pcie.config_write(ep, uint16_t(pos + ats::kCtrl), 2, on ? ats::kCtrlEnable : 0);
  }
  hw::pcie::Atc& atc() { return m.pcie.fn(ep).atc; }
  hw::smmuv3::Smmu& smmu() { return m.smmus[0]; }
};

}  // namespace atslab::test
