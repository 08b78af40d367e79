#include "linux/iommu/group.h"

#include <algorithm>
#include <bitset>

#include "hw/pcie/regs.h"
#include "linux/iommu/iommu.h"
#include "linux/pci/access.h"
#include "linux/pci/pri_pasid.h"
#include "linux/system.h"

namespace atslab::iommu {

namespace {
using hw::pcie::exp::Type;
namespace acs = hw::pcie::acs;

// REQ_ACS_FLAGS: a device is isolated when nothing below can spoof its requester ID or reach a
// peer without going through the IOMMU.
constexpr uint16_t kReqAcsFlags = acs::kSv | acs::kRr | acs::kCr | acs::kUf;

GroupId group_get(const System& s, pci::DevId dev) { return group_of(s, dev); }

bool present(const System& s, pci::DevId d) {
  const auto st = pci::pdev(s, d).state;
  return st != pci::DevState::Removed;
}

bool same_bus(const System& s, pci::DevId a, pci::DevId b) {
  const auto& x = pci::pdev(s, a);
  const auto& y = pci::pdev(s, b);
  return x.rc == y.rc && x.bdf.bus == y.bdf.bus;
}

// The bridges pci_for_each_dma_alias calls back for, bottom up, with the alias each gives. Root
// ports and switch ports pass the requester ID through and are skipped.
template <typename Fn>
bool for_each_alias_bridge(const System& s, pci::DevId dev, Fn&& fn) {
  for (pci::DevId b = pci::pdev(s, dev).bus_self; b != pci::kNoDev; b = pci::pdev(s, b).bus_self) {
    const pci::PciDev& t = pci::pdev(s, b);
    if (t.pcie_cap) {
      switch (t.pcie_type) {
        case Type::RootPort:
        case Type::Upstream:
        case Type::Downstream:
          continue;
        case Type::PcieBridge: {  // PCIe-to-PCI/X: the subordinate bus number, devfn 0
          const uint8_t secondary = pci::read_config_byte(s, b, hw::pcie::hdr::kSecondaryBus);
          if (fn(b, static_cast<uint16_t>(secondary << 8))) return true;
          continue;
        }
        case Type::PciBridge:  // PCI-to-PCIe: the bridge's own requester ID
          if (fn(b, t.bdf.rid())) return true;
          continue;
        default:
          continue;
      }
    }
    if (fn(b, t.bdf.rid())) return true;  // a conventional PCI bridge takes ownership
  }
  return false;
}

using Devfns = std::bitset<256>;
GroupId alias_group(const System& s, pci::DevId dev, Devfns& seen);

// get_pci_function_alias_group: the other functions of a multi-function device that ACS does not
// isolate share its group.
GroupId function_alias_group(const System& s, pci::DevId dev, Devfns& seen) {
  const pci::PciDev& p = pci::pdev(s, dev);
  if (!p.multifunction || pci::acs_enabled(s, dev, kReqAcsFlags)) return kNoGroup;
  for (pci::DevId t : s.kernel.present_devs) {
    if (t == dev || !present(s, t) || !same_bus(s, t, dev)) continue;
    if ((pci::pdev(s, t).bdf.devfn >> 3) != (p.bdf.devfn >> 3) || pci::acs_enabled(s, t, kReqAcsFlags)) continue;
    if (GroupId g = alias_group(s, t, seen); g != kNoGroup) return g;
  }
  return kNoGroup;
}

// get_pci_alias_group: the device's own group. (Devices that alias each other through quirks,
// pci_devs_are_dma_aliases, are not modelled: no device has a dma_alias_mask.)
GroupId alias_group(const System& s, pci::DevId dev, Devfns& seen) {
  const uint8_t devfn = pci::pdev(s, dev).bdf.devfn;
  if (seen.test(devfn)) return kNoGroup;
  seen.set(devfn);
  return group_get(s, dev);
}
}  // namespace

std::vector<uint16_t> pci_dma_aliases(const System& s, pci::DevId dev) {
  std::vector<uint16_t> out{pci::pdev(s, dev).bdf.rid()};
  for_each_alias_bridge(s, dev, [&](pci::DevId, uint16_t alias) {
    if (std::find(out.begin(), out.end(), alias) == out.end()) out.push_back(alias);
    return false;
  });
  return out;
}

GroupId pci_device_group(const System& s, pci::DevId dev) {
  // The DMA aliases upward: a bridge that rewrites the requester ID and has a group already gives
  // the device that group. The device's own group (none yet: it is being probed) is asked first.
  pci::DevId top = dev;
  GroupId found = group_get(s, dev);
  if (found != kNoGroup) return found;
  if (for_each_alias_bridge(s, dev, [&](pci::DevId b, uint16_t) {
        top = b;
        found = group_get(s, b);
        return found != kNoGroup;
      }))
    return found;
  // From the last alias upward to where ACS protects the path: each bridge passed is in the
  // device's group.
  for (pci::DevId b = pci::pdev(s, top).bus_self; b != pci::kNoDev; b = pci::pdev(s, b).bus_self) {
    if (pci::acs_path_enabled(s, b, kReqAcsFlags)) break;
    top = b;
    if (GroupId g = group_get(s, b); g != kNoGroup) return g;
  }
  Devfns seen;
  if (GroupId g = alias_group(s, top, seen); g != kNoGroup) return g;
  return function_alias_group(s, top, seen);
}

}  // namespace atslab::iommu
