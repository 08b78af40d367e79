#include "hw/pcie/capabilities.h"

#include "hw/pcie/capability_walk.h"

namespace atslab::hw::pcie {

ConfigBuilder::ConfigBuilder(const HeaderSpec& h) {
  cfg_.poke16(hdr::kVendorId, h.vendor);
  cfg_.poke16(hdr::kDeviceId, h.device);
  cfg_.poke8(hdr::kRevision, h.revision);
  cfg_.poke8(hdr::kClassProg, static_cast<uint8_t>(h.class_code));
  cfg_.poke16(hdr::kClassProg + 1, static_cast<uint16_t>(h.class_code >> 8));
  uint8_t type = h.bridge ? hdr::kTypeBridge : hdr::kTypeNormal;
  cfg_.poke8(hdr::kHeaderType, static_cast<uint8_t>(type | (h.multifunction ? hdr::kMultifunction : 0)));
  if (!h.bridge) {
    cfg_.poke16(hdr::kSubsystemVendor, h.subsystem_vendor);
    cfg_.poke16(hdr::kSubsystemId, h.subsystem_device);
  }
}

uint16_t ConfigBuilder::add_std(uint8_t id, uint16_t size) {
  uint16_t at = std_next_;
  cfg_.poke8(at, id);
  cfg_.poke8(at + 1, 0);
  if (std_last_ == 0) {
    cfg_.poke8(hdr::kCapabilityList, static_cast<uint8_t>(at));
    cfg_.poke16(hdr::kStatus, cfg_.read16(hdr::kStatus) | hdr::kStatusCapList);
  } else {
    cfg_.poke8(std_last_ + 1, static_cast<uint8_t>(at));
  }
  std_last_ = at;
  std_next_ = static_cast<uint16_t>((at + size + 3) & ~3);
  return at;
}

uint16_t ConfigBuilder::add_pcie(exp::Type type, bool ee_tlp_prefix, bool flr) {
  uint16_t at = add_std(cap::kExp, exp::kSizeofV2);
  cfg_.poke16(at + exp::kFlags, static_cast<uint16_t>(0x2 | (static_cast<unsigned>(type) << 4)));
  if (ee_tlp_prefix) cfg_.poke32(at + exp::kDevCap2, exp::kDevCap2EeTlpPrefix);
  // Endpoints built by atslab advertise FLR, as SR-IOV requires of every VF and as most
  // ATS-capable PFs do; an imported dump keeps its own DevCap.
  if (flr && (type == exp::Type::Endpoint || type == exp::Type::RcEndpoint)) cfg_.poke32(at + exp::kDevCap, exp::kDevCapFlr);
  return at;
}

uint16_t ConfigBuilder::add_pm(const PmCapSpec& s) {
  uint16_t at = add_std(cap::kPm, pm::kSizeof);
  cfg_.poke16(at + pm::kPmc, 3);  // version 3 (PCI PM 1.2), no D1/D2, no PME
  cfg_.poke16(at + pm::kCtrl, s.no_soft_reset ? pm::kCtrlNoSoftReset : 0);  // D0
  return at;
}

uint16_t ConfigBuilder::add_ext(uint16_t id, uint8_t version, uint16_t size) {
  uint16_t at = ext_next_;
  cfg_.poke32(at, ext_cap::header(id, version, 0));
  if (ext_last_ != 0) {
    uint32_t h = cfg_.read32(ext_last_);
    cfg_.poke32(ext_last_, (h & 0x000fffff) | (uint32_t{at} << 20));
  }
  ext_last_ = at;
  ext_next_ = static_cast<uint16_t>((at + size + 3) & ~3);
  return at;
}

uint16_t ConfigBuilder::add_ats(const AtsCapSpec& s) {
  uint16_t at = add_ext(ext_cap::kAts, 1, ats::kSizeof);
  uint16_t capreg = static_cast<uint16_t>((s.qdep & ats::kCapQdepMask) | (s.page_aligned ? ats::kCapPageAligned : 0) |
                                          (s.global_invalidate ? ats::kCapGlobalInval : 0));
  cfg_.poke16(at + ats::kCap, capreg);
  return at;
}

uint16_t ConfigBuilder::add_sriov(const SriovCapSpec& s) {
  uint16_t at = add_ext(ext_cap::kSriov, 1, sriov::kSizeof);
  // Without VF Migration, InitialVFs must equal TotalVFs (sriov_enable checks it).
  cfg_.poke16(at + sriov::kInitialVf, s.initial_vfs ? s.initial_vfs : s.total_vfs);
  cfg_.poke16(at + sriov::kTotalVf, s.total_vfs);
  cfg_.poke16(at + sriov::kVfOffset, s.vf_offset);
  cfg_.poke16(at + sriov::kVfStride, s.vf_stride);
  cfg_.poke16(at + sriov::kVfDid, s.vf_device);
  cfg_.poke32(at + sriov::kSupPgsize, s.supported_page_sizes);
  cfg_.poke32(at + sriov::kSysPgsize, 1);  // 4 KiB after reset
  return at;
}

uint16_t ConfigBuilder::add_pri(const PriCapSpec& s) {
  uint16_t at = add_ext(ext_cap::kPri, 1, pri::kSizeof);
  // A function whose PRI is disabled reports Stopped (it has no requests outstanding).
  cfg_.poke16(at + pri::kStatus, static_cast<uint16_t>(pri::kStatusStopped | (s.pasid_required ? pri::kStatusPasid : 0)));
  cfg_.poke32(at + pri::kMaxReq, s.max_requests);
  return at;
}

uint16_t ConfigBuilder::add_pasid(const PasidCapSpec& s) {
  uint16_t at = add_ext(ext_cap::kPasid, 1, pasid::kSizeof);
  uint16_t capreg = static_cast<uint16_t>(((s.max_width & 0x1f) << pasid::kCapMaxWidthShift) |
                                          (s.exec ? pasid::kCapExec : 0) | (s.priv ? pasid::kCapPriv : 0));
  cfg_.poke16(at + pasid::kCap, capreg);
  return at;
}

uint16_t ConfigBuilder::add_acs(const AcsCapSpec& s) {
  uint16_t at = add_ext(ext_cap::kAcs, 1, acs::kSizeof);
  cfg_.poke16(at + acs::kCap, s.capability);
  cfg_.poke16(at + acs::kCtrl, s.control & s.capability);
  return at;
}

ConfigSpace ConfigBuilder::build(bool is_vf) {
  ConfigSpace out = cfg_;
  apply_write_semantics(out, is_vf);
  return out;
}

void apply_write_semantics(ConfigSpace& cfg, bool is_vf) {
  // Command: I/O, memory, bus master, parity, SERR, INTx disable. Status: the error bits are RW1C.
  cfg.define(hdr::kCommand, 2, 0x0547);
  cfg.define(hdr::kStatus, 2, 0, 0xf900);
  if ((cfg.read8(hdr::kHeaderType) & 0x7f) == hdr::kTypeBridge) {
    cfg.define(hdr::kPrimaryBus, 1, 0xff);
    cfg.define(hdr::kSecondaryBus, 1, 0xff);
    cfg.define(hdr::kSubordinateBus, 1, 0xff);
    cfg.define(hdr::kBridgeControl, 2, hdr::kBridgeCtlBusReset);
  }
  if (uint16_t p = find_std_cap(cfg, cap::kPm)) cfg.define(p + pm::kCtrl, 2, pm::kCtrlStateMask);
  if (uint16_t e = find_std_cap(cfg, cap::kExp)) {
    cfg.define(e + exp::kDevCtl, 2, 0xffff);
    cfg.define(e + exp::kDevCtl2, 2, 0xffff);
  }
  for (const auto& c : walk_ext_caps(cfg).caps) {
    switch (c.id) {
      case ext_cap::kAts:
        cfg.define(c.offset + ats::kCtrl, 2, ats::kCtrlEnable | (is_vf ? 0 : ats::kCtrlStuMask));
        break;
      case ext_cap::kSriov:
        cfg.define(c.offset + sriov::kCtrl, 2, sriov::kCtrlVfe | sriov::kCtrlVfm | sriov::kCtrlIntr | sriov::kCtrlMse | sriov::kCtrlAri);
        cfg.define(c.offset + sriov::kNumVf, 2, 0xffff);
        cfg.define(c.offset + sriov::kSysPgsize, 4, 0xffffffff);
        break;
      case ext_cap::kPri:
        cfg.define(c.offset + pri::kCtrl, 2, pri::kCtrlEnable | pri::kCtrlReset);
        cfg.define(c.offset + pri::kStatus, 2, 0, pri::kStatusRf | pri::kStatusUprgi);
        cfg.define(c.offset + pri::kAllocReq, 4, 0xffffffff);
        break;
      case ext_cap::kPasid:
        cfg.define(c.offset + pasid::kCtrl, 2, pasid::kCtrlEnable | pasid::kCtrlExec | pasid::kCtrlPriv);
        break;
      case ext_cap::kAcs:
        cfg.define(c.offset + acs::kCtrl, 2, cfg.read16(c.offset + acs::kCap) & 0x7f);
        break;
      default:
        break;
    }
  }
}

void reset_control_registers(ConfigSpace& cfg) {
  cfg.poke16(hdr::kCommand, 0);
  for (const auto& c : walk_ext_caps(cfg).caps) {
    switch (c.id) {
      case ext_cap::kAts: cfg.poke16(c.offset + ats::kCtrl, 0); break;
      case ext_cap::kSriov:
        cfg.poke16(c.offset + sriov::kCtrl, 0);
        cfg.poke16(c.offset + sriov::kNumVf, 0);
        cfg.poke32(c.offset + sriov::kSysPgsize, 1);
        break;
      case ext_cap::kPri:
        cfg.poke16(c.offset + pri::kCtrl, 0);
        cfg.poke16(c.offset + pri::kStatus,
                   static_cast<uint16_t>((cfg.read16(c.offset + pri::kStatus) & pri::kStatusPasid) | pri::kStatusStopped));
        cfg.poke32(c.offset + pri::kAllocReq, 0);
        break;
      case ext_cap::kPasid: cfg.poke16(c.offset + pasid::kCtrl, 0); break;
      case ext_cap::kAcs: cfg.poke16(c.offset + acs::kCtrl, 0); break;
      default: break;
    }
  }
}

bool has_bus_numbers(const ConfigSpace& cfg) {
  const uint8_t t = cfg.read8(hdr::kHeaderType) & 0x7f;
  return t == hdr::kTypeBridge || t == hdr::kTypeCardbus;
}

std::optional<exp::Type> pcie_type(const ConfigSpace& cfg) {
  uint16_t e = find_std_cap(cfg, cap::kExp);
  if (!e) return std::nullopt;
  return static_cast<exp::Type>((cfg.read16(e + exp::kFlags) >> 4) & 0xf);
}

}  // namespace atslab::hw::pcie
