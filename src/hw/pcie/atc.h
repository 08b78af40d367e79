#pragma once
// A function's Address Translation Cache: the endpoint half of ATS. It holds
// translation completions (at least one STU each), processes invalidation
// requests from its queue and returns completions. It is a value; the
// function's ATS Control register (read through ats_control) says whether it
// may use ATS at all.
#include <cstdint>
#include <optional>
#include <vector>

#include "hw/pcie/config_space.h"

namespace atslab::hw::pcie {

// What an endpoint does with an invalidation request that arrives while its ATS
// Enable bit is clear. Real endpoints complete it (Linux has relied on that since v5.3:
// the driver flushes before every enable and after every disable); dropping it is a
// non-compliance a scenario asks for (invariant 23, finding 5).
enum class AtcInvWhileDisabled : uint8_t { Ignore, Complete };

// What an endpoint's ATC does when ATS Enable goes from Clear to Set. PCIe's ATS chapter
// makes that an implicit invalidation event (the whole ATC is invalidated), and a Function
// whose ATS is disabled uses no cached translation; keeping the entries across a
// disable/enable is a non-compliance a scenario asks for (fault endpoint.keep_atc_on_enable).
enum class AtcOnEnable : uint8_t { Invalidate, Keep };

struct AtcEntry {
  bool ssv = false;      // PASID-tagged
  uint32_t pasid = 0;
  uint64_t iova = 0;     // untranslated address, aligned to size
  uint64_t size = 0;     // bytes, a power of two >= the STU
  uint64_t pa = 0;       // translated address of iova
  bool writable = false;
  bool operator==(const AtcEntry&) const = default;
};

struct AtcInvRequest {
  uint32_t itag = 0;
  bool ssv = false;
  uint32_t pasid = 0;
  uint64_t addr = 0;
  uint64_t size = 0;  // bytes; 0 means the whole ATC (ATC_INV_SIZE_ALL)
  bool operator==(const AtcInvRequest&) const = default;
};

// The ATS capability's Control and Capability registers as the ATC needs them.
struct AtsControl {
  bool present = false;
  bool enabled = false;
  unsigned stu_shift = 12;  // 12 + STU
  unsigned qdep = 32;       // Invalidate Queue Depth; the field's 0 means 32
};
// Simplification: a VF reads its own STU field (0) rather than its PF's.
AtsControl ats_control(const ConfigSpace& cfg);

struct Atc {
  AtcInvWhileDisabled inv_while_disabled = AtcInvWhileDisabled::Ignore;
  AtcOnEnable on_enable = AtcOnEnable::Invalidate;
  std::vector<AtcEntry> entries;
  std::vector<AtcInvRequest> inv_queue;  // received, not yet processed
  std::vector<uint32_t> completions;     // ITAGs of processed requests, not yet collected
  uint32_t invalidations_ignored = 0;

  // Caches a translation completion, widened to the STU.
  void fill(AtcEntry e, unsigned stu_shift);
  // Caches a successful Translation Completion for `iova` (in PASID `pasid`'s space when `ssv`):
  // the entry covers the completion's range (`size`, a power of two) around the address.
  void fill_completion(bool ssv, uint32_t pasid, uint64_t iova, uint64_t size, uint64_t pa, bool writable, unsigned stu_shift);
  std::optional<AtcEntry> lookup(bool ssv, uint32_t pasid, uint64_t iova) const;
  // A request from the root complex. Returns false when the endpoint drops it.
  bool receive_invalidation(const AtcInvRequest& req, const AtsControl& ctl);
  // Processes up to `qdep` queued requests (Simplification: the queue itself is
  // unbounded; the depth only limits how many complete per step).
  unsigned process_invalidations(unsigned qdep);
  // ATS Enable went from Clear to Set: the implicit invalidation of the whole ATC (unless the
  // endpoint keeps its entries, non-compliantly).
  void enabled();
  // Whether an entry can ever be used again: a compliant endpoint with ATS disabled uses none,
  // and invalidates them all before it uses ATS again.
  bool entries_reachable(const AtsControl& ctl) const { return ctl.enabled || on_enable == AtcOnEnable::Keep; }
  // A function that comes into existence (VF Enable, a card inserted) starts
  // with an empty ATC and no invalidation in flight; how it treats invalidations
  // while ATS is off and at enable are properties of the device and stay.
  void reset() { *this = Atc{.inv_while_disabled = inv_while_disabled, .on_enable = on_enable}; }
  bool operator==(const Atc&) const = default;
};

}  // namespace atslab::hw::pcie
