#pragma once
// struct arm_smmu_invs: a domain's sorted list of invalidation steps with
// per-entry user counts (kernel-semantics.md 3.2, 3.3).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// Sort order is command order: TLB invalidations before ATC invalidations.
enum class InvType : uint8_t { S1Asid, S2Vmid, S2VmidS1Clear, Ats, AtsFull };
std::string_view name(InvType t);
inline bool is_ats(InvType t) { return t == InvType::Ats || t == InvType::AtsFull; }

struct Inv {
  uint16_t smmu = 0;  // SMMU index; the kernel sorts by the smmu pointer, an index groups the same way
  InvType type = InvType::S1Asid;
  uint8_t size_opcode = 0;   // command for a ranged invalidation
  uint8_t nsize_opcode = 0;  // command for an unranged one
  uint32_t id = 0;           // ASID, VMID or StreamID
  uint32_t ssid = 0;         // ATS types only
  int users = 0;             // 0 = trash, to be purged
  bool operator==(const Inv&) const = default;
};

// arm_smmu_inv_cmp: smmu, type, id, then ssid for ATS types. users does not take part.
int inv_cmp(const Inv& a, const Inv& b);

struct Invs {
  uint16_t max_invs = 0;
  uint16_t num_invs = 0;
  uint16_t num_trashes = 0;
  bool has_ats = false;  // set at merge/purge time; unref never clears it
  std::vector<Inv> inv;  // max_invs entries; the first num_invs are in use
  bool operator==(const Invs&) const = default;

  // Entries in use that are not trash, in order (what an invalidation walks).
  std::vector<Inv> live() const;
};

Invs invs_alloc(uint16_t n);  // arm_smmu_invs_alloc: zeroed, max = num = n

// arm_smmu_invs_merge: a new array with every entry of `to_merge` added
// (users + 1 where equal, 1 where new); trash in `invs` is dropped. `invs` is
// not modified: readers may still be walking it. nullopt models -ENOMEM.
std::optional<Invs> invs_merge(System& s, const Invs& invs, const Invs& to_merge, bool alloc_fails = false);

// arm_smmu_invs_unref: decrements, in place, each entry of `to_unref` in the
// live array; marks each to_unref entry 1 (still used) or 0 (now trash), then
// trims trailing trash. Cannot fail; WARNs on missing or already-trash entries.
void invs_unref(System& s, Invs& invs, Invs& to_unref);

// arm_smmu_invs_purge: a compacted copy without trash, or nullopt when there
// is nothing to purge (no trash, empty, or allocation failure).
std::optional<Invs> invs_purge(System& s, const Invs& invs, bool alloc_fails = false);

}  // namespace atslab::smmuv3
