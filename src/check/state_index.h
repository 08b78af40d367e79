#pragma once
// Where a monitor's checks look in the kernel's ever-growing tables.
//
// A stress run checks every invariant after every operation, and the tables it
// reads only grow: a pci_dev, an SMMUv3 master, an IOMMU group, a VT-d
// device_domain_info or dmar_domain, an AMD dev_data keeps its slot after it is
// gone (ids are never reused; that is how a use after free is seen). Scanning
// every slot ever allocated made a long run quadratic. An object of these tables
// never comes back once gone (a removed pci_dev, a released master, an emptied
// group, a freed info, a dead domain or dev_data), so the index keeps, per table,
// the ids that are not gone yet; each refresh takes in the new slots and drops the
// ones gone since. What gone objects still matter for is kept by key: the routing
// IDs of released devices (invariant 26) and every device by routing ID (the
// VT-d/AMD invalidation check), each bounded by the machine's routing IDs.
//
// The checks given an index reach the verdicts the full scans reach (the explorer
// keeps the full scans; test StateIndex.* compares both after every step of stress runs).
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace atslab {
struct System;
}

namespace atslab::check {

class StateIndex {
 public:
  // Takes in the slots allocated since the last refresh and drops the objects gone since.
  void refresh(const System& s);

  // Ids not yet gone, ascending.
  const std::vector<uint32_t>& devs() const { return devs_.ids; }  // pci_devs not removed
  const std::vector<uint32_t>& masters() const { return masters_.ids; }  // SMMUv3 masters not released
  const std::vector<uint32_t>& groups() const { return groups_.ids; }    // IOMMU groups with a device
  const std::vector<uint32_t>& vtd_infos() const { return vtd_infos_.ids; }  // device_domain_infos not freed
  const std::vector<uint32_t>& vtd_domains() const { return vtd_domains_.ids; }
  const std::vector<uint32_t>& amd_dev_data() const { return amd_dev_data_.ids; }

  // Removed pci_devs behind an SMMUv3 that the IOMMU layer had a slot for, by rid_key, ascending.
  const std::map<uint32_t, std::vector<uint32_t>>& released() const { return released_; }
  // Every pci_dev ever allocated, removed ones too, by rid_key, ascending.
  const std::map<uint32_t, std::vector<uint32_t>>& by_rid() const { return by_rid_; }

  // A device's root complex and routing ID as one key.
  static uint32_t rid_key(uint16_t rc, uint16_t rid) { return uint32_t{rc} << 16 | rid; }

 private:
  // The ids of one table not yet gone, and how many of its slots were looked at.
  struct Open {
    std::vector<uint32_t> ids;
    size_t seen = 0;
    // Drops the ids `gone` says are gone, then appends the slots up to `size` that are not.
    template <typename Gone>
    void refresh(size_t size, Gone gone);
  };
  void removed(const System& s, uint32_t dev);   // a device found removed
  void release(const System& s, uint32_t dev);  // ... and counted for invariant 26

  Open devs_, masters_, groups_, vtd_infos_, vtd_domains_, amd_dev_data_;
  std::map<uint32_t, std::vector<uint32_t>> released_, by_rid_;
  std::vector<uint32_t> pending_;  // removed behind an SMMUv3 before the IOMMU layer had a slot for them
};

// Calls f(id) for the ids of a table of `size` slots a check visits, ascending: every slot, or
// only the ones a StateIndex still holds (`open`; the others are gone and can report nothing).
template <typename F>
void for_ids(const std::vector<uint32_t>* open, size_t size, F f) {
  if (open) {
    for (uint32_t id : *open) f(id);
    return;
  }
  for (uint32_t id = 0; id < size; ++id) f(id);
}

}  // namespace atslab::check
