#pragma once
// Capability layouts: building config-space images for modelled devices, and
// giving any image (built or imported from lspci) its write semantics.
#include <cstdint>
#include <optional>

#include "hw/pcie/config_space.h"
#include "hw/pcie/regs.h"

namespace atslab::hw::pcie {

struct AtsCapSpec {
  uint8_t qdep = 0;  // Invalidate Queue Depth field; 0 encodes 32
  bool page_aligned = false;
  bool global_invalidate = false;
};

struct SriovCapSpec {
  uint16_t total_vfs = 0;
  uint16_t initial_vfs = 0;
  uint16_t vf_offset = 1;  // First VF Offset (routing-ID distance from the PF)
  uint16_t vf_stride = 1;
  uint16_t vf_device = 0;
  uint32_t supported_page_sizes = 0x553;  // 4K 8K 64K 256K 1M 4M, the common default
};

struct PriCapSpec {
  uint32_t max_requests = 256;  // Outstanding Page Request Capacity
  bool pasid_required = false;  // PRG Response PASID Required
};

struct PasidCapSpec {
  uint8_t max_width = 20;
  bool exec = false;
  bool priv = false;
};

struct AcsCapSpec {
  uint16_t capability = acs::kSv | acs::kTb | acs::kRr | acs::kCr | acs::kUf;
  uint16_t control = 0;
};

// A PCI Power Management capability (version 3). NoSoftRst set: D3hot -> D0 keeps the function's
// state (no reset); clear: the transition resets the function (pci_pm_reset relies on it).
struct PmCapSpec {
  bool no_soft_reset = true;
};

struct HeaderSpec {
  uint16_t vendor = 0;
  uint16_t device = 0;
  uint32_t class_code = 0;  // 24-bit base/sub/prog-if
  uint8_t revision = 0;
  uint16_t subsystem_vendor = 0;
  uint16_t subsystem_device = 0;
  bool bridge = false;      // type-1 header
  bool multifunction = false;
};

// Lays out a function's config space capability by capability.
class ConfigBuilder {
 public:
  explicit ConfigBuilder(const HeaderSpec& h);

  // Standard list, chained in call order starting at 0x40.
  // `flr`: the endpoint advertises Function Level Reset in Device Capabilities (atslab's default).
  uint16_t add_pcie(exp::Type type, bool ee_tlp_prefix = false, bool flr = true);
  uint16_t add_pm(const PmCapSpec& s);
  uint16_t add_std(uint8_t id, uint16_t size);
  // Extended list, chained in call order starting at 0x100.
  uint16_t add_ext(uint16_t id, uint8_t version, uint16_t size);
  uint16_t add_ats(const AtsCapSpec& s);
  uint16_t add_sriov(const SriovCapSpec& s);
  uint16_t add_pri(const PriCapSpec& s);
  uint16_t add_pasid(const PasidCapSpec& s);
  uint16_t add_acs(const AcsCapSpec& s);

  // Finishes the image and declares its write semantics.
  ConfigSpace build(bool is_vf = false);

 private:
  ConfigSpace cfg_;
  uint16_t std_next_ = hdr::kStdCapStart, std_last_ = 0;
  uint16_t ext_next_ = hdr::kExtCapStart, ext_last_ = 0;
};

// Declares the write semantics of every register the model knows in `cfg`
// (command/status, bridge bus numbers and Bridge Control, PCIe DevCtl, PM
// PowerState, ATS, SR-IOV, PRI, PASID, ACS). Everything else stays read-only. A VF's ATS STU field is not
// writable: VFs use their PF's STU (section 1.1).
void apply_write_semantics(ConfigSpace& cfg, bool is_vf);

// Brings the control registers the model knows back to their reset values
// (command, ATS/SR-IOV/PRI/PASID/ACS control, NumVFs, PRI allocation): an lspci
// dump is taken from a running system, the model starts from power-on.
void reset_control_registers(ConfigSpace& cfg);

// The PCI Express device/port type, if the function has a PCIe capability.
std::optional<exp::Type> pcie_type(const ConfigSpace& cfg);

// A bridge as far as bus numbers go (lspci -t draws both kinds with their ranges): a PCI-to-PCI
// bridge, or a CardBus bridge, whose CardBus and subordinate bus numbers sit at the same offsets
// (0x19 and 0x1a).
bool has_bus_numbers(const ConfigSpace& cfg);

}  // namespace atslab::hw::pcie
