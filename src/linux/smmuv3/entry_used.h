#pragma once
// What the driver believes the SMMU reads of an entry ("used bits") and which
// used bits may change in any order ("update-safe"): arm_smmu_get_ste_used,
// arm_smmu_get_ste_update_safe, arm_smmu_get_cd_used.
#include "hw/smmuv3/entry.h"

namespace atslab::smmuv3 {

using hw::smmuv3::Entry;

Entry get_ste_used(const Entry& ent);
Entry get_ste_update_safe(const Entry& cur, const Entry& target);
Entry get_cd_used(const Entry& ent);
// The CD writer has no update-safe op: nothing is safe.
inline Entry get_cd_update_safe(const Entry&, const Entry&) { return Entry{}; }

}  // namespace atslab::smmuv3
