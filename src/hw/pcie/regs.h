#pragma once
// Config-space register offsets and bits, as include/uapi/linux/pci_regs.h names
// them (PCI_EXT_CAP_ID_ATS -> ext_cap::kAts, PCI_ATS_CTRL -> ats::kCtrl, ...).
#include <cstdint>

namespace atslab::hw::pcie {

namespace hdr {
inline constexpr uint16_t kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06;
inline constexpr uint16_t kRevision = 0x08, kClassProg = 0x09, kHeaderType = 0x0e;
inline constexpr uint16_t kSubsystemVendor = 0x2c, kSubsystemId = 0x2e, kCapabilityList = 0x34;
inline constexpr uint16_t kPrimaryBus = 0x18, kSecondaryBus = 0x19, kSubordinateBus = 0x1a;
inline constexpr uint16_t kBridgeControl = 0x3e;          // PCI_BRIDGE_CONTROL (type 1 header)
inline constexpr uint16_t kBridgeCtlBusReset = 0x0040;    // PCI_BRIDGE_CTL_BUS_RESET: Secondary Bus Reset
inline constexpr uint16_t kStatusCapList = 0x0010;
inline constexpr uint16_t kCommandIntxDisable = 0x0400;  // PCI_COMMAND_INTX_DISABLE
inline constexpr uint8_t kTypeNormal = 0, kTypeBridge = 1, kTypeCardbus = 2, kMultifunction = 0x80;
inline constexpr uint16_t kStdCapStart = 0x40, kStdCapEnd = 0xff;
inline constexpr uint16_t kExtCapStart = 0x100, kConfigSize = 0x1000;
}  // namespace hdr

namespace cap {  // standard capability IDs
inline constexpr uint8_t kPm = 0x01, kMsi = 0x05, kExp = 0x10, kMsix = 0x11, kEa = 0x14;
}

namespace ext_cap {  // extended capability IDs (section 1.1)
inline constexpr uint16_t kAer = 0x01, kAcs = 0x0d, kAri = 0x0e, kAts = 0x0f, kSriov = 0x10;
inline constexpr uint16_t kPri = 0x13, kPasid = 0x1b, kDvsec = 0x23;
constexpr uint16_t id(uint32_t header) { return header & 0xffff; }
constexpr uint8_t version(uint32_t header) { return (header >> 16) & 0xf; }
constexpr uint16_t next(uint32_t header) { return (header >> 20) & 0xffc; }
constexpr uint32_t header(uint16_t id, uint8_t ver, uint16_t next) {
  return id | (uint32_t{ver} << 16) | (uint32_t{next} << 20);
}
}  // namespace ext_cap

namespace exp {  // PCI Express capability
inline constexpr uint16_t kFlags = 0x02, kDevCap = 0x04, kDevCtl = 0x08, kDevCap2 = 0x24, kDevCtl2 = 0x28;
inline constexpr uint16_t kSizeofV2 = 0x3c;
inline constexpr uint32_t kDevCap2EeTlpPrefix = 0x00200000;  // End-End TLP Prefix Supported
inline constexpr uint32_t kDevCapFlr = 0x10000000;     // Function Level Reset Capability
inline constexpr uint16_t kDevCtlBcrFlr = 0x8000;      // Initiate Function Level Reset (always reads 0)
inline constexpr uint16_t kLnkCtl = 0x10, kLnkCtl2 = 0x30;
enum class Type : uint8_t {
  Endpoint = 0x0, LegacyEndpoint = 0x1, RootPort = 0x4, Upstream = 0x5, Downstream = 0x6,
  PcieBridge = 0x7, PciBridge = 0x8, RcEndpoint = 0x9, RcEventCollector = 0xa,
};
}  // namespace exp

namespace pm {  // offsets relative to the PCI Power Management capability (PCI_PM_*)
inline constexpr uint16_t kPmc = 0x02, kCtrl = 0x04, kSizeof = 8;
inline constexpr uint16_t kCapVerMask = 0x0007;     // PCI_PM_CAP_VER_MASK
inline constexpr uint16_t kCtrlStateMask = 0x0003;  // PCI_PM_CTRL_STATE_MASK: PowerState
inline constexpr uint16_t kCtrlNoSoftReset = 0x0008;  // PCI_PM_CTRL_NO_SOFT_RESET: D3hot->D0 keeps the state
inline constexpr uint16_t kD0 = 0, kD3hot = 3;       // PowerState values
}  // namespace pm

namespace ats {  // offsets relative to the ATS capability
inline constexpr uint16_t kCap = 0x04, kCtrl = 0x06, kSizeof = 8;
inline constexpr uint16_t kCapQdepMask = 0x1f, kCapPageAligned = 0x0020, kCapGlobalInval = 0x0040;
inline constexpr uint16_t kMaxQdep = 32, kMinStu = 12;
inline constexpr uint16_t kCtrlEnable = 0x8000, kCtrlStuMask = 0x1f;
}  // namespace ats

namespace sriov {  // offsets relative to the SR-IOV capability
inline constexpr uint16_t kCap = 0x04, kCtrl = 0x08, kStatus = 0x0a, kInitialVf = 0x0c, kTotalVf = 0x0e;
inline constexpr uint16_t kNumVf = 0x10, kFuncLink = 0x12, kVfOffset = 0x14, kVfStride = 0x16;
inline constexpr uint16_t kVfDid = 0x1a, kSupPgsize = 0x1c, kSysPgsize = 0x20, kBar = 0x24, kSizeof = 0x40;
inline constexpr uint16_t kCtrlVfe = 0x0001, kCtrlVfm = 0x0002, kCtrlIntr = 0x0004, kCtrlMse = 0x0008;
inline constexpr uint16_t kCtrlAri = 0x0010;
}  // namespace sriov

namespace pri {  // offsets relative to the PRI capability
inline constexpr uint16_t kCtrl = 0x04, kStatus = 0x06, kMaxReq = 0x08, kAllocReq = 0x0c, kSizeof = 0x10;
inline constexpr uint16_t kCtrlEnable = 0x0001, kCtrlReset = 0x0002;
inline constexpr uint16_t kStatusRf = 0x0001, kStatusUprgi = 0x0002, kStatusStopped = 0x0100;
inline constexpr uint16_t kStatusPasid = 0x8000;  // PRG Response PASID Required
}  // namespace pri

namespace pasid {  // offsets relative to the PASID capability
inline constexpr uint16_t kCap = 0x04, kCtrl = 0x06, kSizeof = 8;
inline constexpr uint16_t kCapExec = 0x0002, kCapPriv = 0x0004, kCapMaxWidthShift = 8, kCapMaxWidthMask = 0x1f00;
inline constexpr uint16_t kCtrlEnable = 0x0001, kCtrlExec = 0x0002, kCtrlPriv = 0x0004;
}  // namespace pasid

namespace acs {  // offsets relative to the ACS capability
inline constexpr uint16_t kCap = 0x04, kCtrl = 0x06, kSizeof = 8;
inline constexpr uint16_t kSv = 0x01, kTb = 0x02, kRr = 0x04, kCr = 0x08, kUf = 0x10, kEc = 0x20, kDt = 0x40;
}  // namespace acs

}  // namespace atslab::hw::pcie
