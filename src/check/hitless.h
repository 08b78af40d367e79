#pragma once
// The independent hitless checker. Given the entry before an update, the
// target, and every 64-bit store and sync the SMMU could observe, it decides
// for each value the SMMU could fetch whether it behaves as the old entry,
// as the new one, or as neither. It knows nothing of how the writer chose
// its stores.
//
// Two sets of values are judged: the entry after every store, and every
// "torn" fetch: the SMMU reads an entry qword by qword, so between two syncs
// it may combine, per qword, any value that qword held in that window.
#include <cstdint>
#include <string>
#include <vector>

#include "check/entry_behaviour.h"

namespace atslab::check {

struct ObservedStore {
  unsigned qword = 0;
  uint64_t value = 0;
  bool sync_after = false;  // a completed CMD_SYNC (after CFGI) followed this store
};

enum class Behaves : uint8_t { Old, New, OldAndNew, Invalid, Neither };
const char* behaves_name(Behaves b);  // "old", "new", "old and new", "invalid", "neither"

struct StoreJudgement {
  unsigned store = 0;  // 1-based
  unsigned qword = 0;
  uint64_t value = 0;
  Entry after{};
  Behaves behaves = Behaves::Neither;
  bool ats_differs = false;  // matches only once ATS-only fields (EATS) are ignored
};

struct HitlessOptions {
  // EATS changes are judged under the kernel's premise that PCI ATS Enable is
  // clear whenever EATS changes (kernel-semantics 3.9): no ATS traffic sees them.
  bool ats_quiescent = true;
};

struct HitlessVerdict {
  bool ok = true;
  std::string message = "ok";  // or a sentence naming the store and the behaviour
  std::vector<StoreJudgement> stores;
  bool passed_through_invalid = false;  // an invalid entry that neither old nor new is
  unsigned torn_fetches_checked = 0;
};

// `declared_breaking`: the writer announced an update through an invalid
// entry, so invalid intermediates are allowed; mixed behaviour never is.
HitlessVerdict check_hitless(EntryKind kind, const Entry& old_entry, const Entry& new_entry,
                             const std::vector<ObservedStore>& stores, bool declared_breaking,
                             const HitlessOptions& opts = {});

}  // namespace atslab::check
