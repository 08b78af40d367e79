#include "linux/smmuv3/invs.h"

#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::smmuv3 {

using kernel::Frame;
using kernel::KFn;

std::string_view name(InvType t) {
  switch (t) {
    case InvType::S1Asid: return "S1_ASID";
    case InvType::S2Vmid: return "S2_VMID";
    case InvType::S2VmidS1Clear: return "S2_VMID_S1_CLEAR";
    case InvType::Ats: return "ATS";
    case InvType::AtsFull: return "ATS_FULL";
  }
  return "?";
}

int inv_cmp(const Inv& a, const Inv& b) {
  if (a.smmu != b.smmu) return a.smmu < b.smmu ? -1 : 1;
  if (a.type != b.type) return a.type < b.type ? -1 : 1;
  if (a.id != b.id) return a.id < b.id ? -1 : 1;
  if (is_ats(a.type) && a.ssid != b.ssid) return a.ssid < b.ssid ? -1 : 1;
  return 0;
}

std::vector<Inv> Invs::live() const {
  std::vector<Inv> out;
  for (uint16_t i = 0; i < num_invs; ++i)
    if (inv[i].users > 0) out.push_back(inv[i]);
  return out;
}

Invs invs_alloc(uint16_t n) {
  Invs a;
  a.max_invs = a.num_invs = n;
  a.inv.assign(n, Inv{});
  return a;
}

std::optional<Invs> invs_merge(System& s, const Invs& invs, const Invs& to_merge, bool alloc_fails) {
  Frame f(s, KFn::arm_smmu_invs_merge);
  // First pass counts the union (trash in `invs` does not count), second pass fills it.
  std::vector<Inv> out;
  uint16_t i = 0, j = 0;
  auto skip_trash = [&] {
    while (i < invs.num_invs && invs.inv[i].users == 0) ++i;
  };
  skip_trash();
  while (i < invs.num_invs || j < to_merge.num_invs) {
    int c = i >= invs.num_invs ? 1 : j >= to_merge.num_invs ? -1 : inv_cmp(invs.inv[i], to_merge.inv[j]);
    if (c < 0) {
      out.push_back(invs.inv[i++]);
    } else if (c > 0) {
      Inv n = to_merge.inv[j++];
      n.users = 1;
      out.push_back(n);
    } else {
      Inv n = invs.inv[i++];
      n.users += 1;
      ++j;
      out.push_back(n);
    }
    skip_trash();
  }
  if (alloc_fails) return std::nullopt;
  Invs merged = invs_alloc(static_cast<uint16_t>(out.size()));
  for (size_t k = 0; k < out.size(); ++k) {
    merged.inv[k] = out[k];
    if (is_ats(out[k].type)) merged.has_ats = true;
    // 7.2.13's WARN_ON_ONCE (line 1060) on an entry ordered before its predecessor; equal
    // neighbours do not warn. (The model reports every occurrence: it keeps no _ONCE state.)
    if (k) kernel::warn_on(s, inv_cmp(out[k - 1], out[k]) > 0, "arm_smmu_inv_cmp(new - 1, new) == 1", 1060);
  }
  return merged;
}

void invs_unref(System& s, Invs& invs, Invs& to_unref) {
  Frame f(s, KFn::arm_smmu_invs_unref);
  uint16_t i = 0;
  for (uint16_t j = 0; j < to_unref.num_invs; ++j) {
    Inv& u = to_unref.inv[j];
    while (i < invs.num_invs && inv_cmp(invs.inv[i], u) < 0) ++i;
    if (i >= invs.num_invs || inv_cmp(invs.inv[i], u) != 0 || invs.inv[i].users == 0) {
      // "item in to_unref is not in invs or already a trash": the kernel's WARN_ON(true), at
      // line 1128 of 7.2.13's arm-smmu-v3.c.
      kernel::warn_on(s, true, "true", 1128);
      u.users = 0;
      continue;
    }
    Inv& e = invs.inv[i];
    if (kernel::warn_on(s, e.users - 1 < 0, "users < 0", 1112)) continue;
    e.users -= 1;
    if (e.users > 0) {
      u.users = 1;  // still in use by another attachment
    } else {
      u.users = 0;  // now trash
      ++invs.num_trashes;
    }
  }
  // Trailing trash is cut off; the kernel does this under the array's write
  // lock, which waits for readers issuing ATS invalidations from it.
  while (invs.num_invs > 0 && invs.inv[invs.num_invs - 1].users == 0) {
    --invs.num_invs;
    --invs.num_trashes;
  }
}

std::optional<Invs> invs_purge(System& s, const Invs& invs, bool alloc_fails) {
  Frame f(s, KFn::arm_smmu_invs_purge);
  // The kernel's order: the WARN first (line 1161), then nothing to purge.
  if (kernel::warn_on(s, invs.num_invs < invs.num_trashes, "invs->num_invs < invs->num_trashes", 1161)) return std::nullopt;
  if (!invs.num_trashes || !invs.num_invs) return std::nullopt;
  if (alloc_fails) return std::nullopt;
  Invs out = invs_alloc(static_cast<uint16_t>(invs.num_invs - invs.num_trashes));
  uint16_t k = 0;
  for (uint16_t i = 0; i < invs.num_invs; ++i) {
    if (invs.inv[i].users == 0) continue;
    // The kernel copies on and checks the count after the loop (line 1177); with more live
    // entries than counted it would write past new_invs. The model stops there and WARNs as the
    // kernel's check would, rather than write past its fixed array.
    if (kernel::warn_on(s, k >= out.max_invs, "num_invs != new_invs->num_invs", 1177)) break;
    out.inv[k++] = invs.inv[i];
    if (is_ats(invs.inv[i].type)) out.has_ats = true;
  }
  kernel::warn_on(s, k != out.max_invs, "num_invs != new_invs->num_invs", 1177);
  return out;
}

}  // namespace atslab::smmuv3
