#pragma once
// A map for the handful of keys a check tracks per call (devices, StreamIDs,
// SMMUs): pairs kept in insertion order in an inline buffer, spilling to the
// heap past kInline, found by a linear scan.
//
// Why: check_history runs for every transition the explorer makes, and its
// std::maps allocated a node for every key they met. With the few keys a
// model holds, a scan of an inline array costs less than one allocation.
#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

namespace atslab::check {

template <typename K, typename V, size_t kInline = 16>
class SmallMap {
 public:
  // The value for `k`, value-initialised on first use (as std::map::operator[]).
  V& operator[](const K& k) {
    if (V* v = find(k)) return *v;
    if (n_ < kInline) {
      inline_[n_] = {k, V{}};
      return inline_[n_++].second;
    }
    ++n_;
    return spill_.emplace_back(k, V{}).second;
  }
  V* find(const K& k) {
    for (size_t i = 0; i < std::min(n_, kInline); ++i)
      if (inline_[i].first == k) return &inline_[i].second;
    for (auto& [key, v] : spill_)
      if (key == k) return &v;
    return nullptr;
  }
  bool contains(const K& k) const { return const_cast<SmallMap*>(this)->find(k) != nullptr; }

  // The entries in ascending key order (std::map's iteration order, which reports rely on).
  std::vector<std::pair<K, V>> sorted() const {
    std::vector<std::pair<K, V>> all(inline_.begin(), inline_.begin() + static_cast<long>(std::min(n_, kInline)));
    all.insert(all.end(), spill_.begin(), spill_.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return all;
  }

 private:
  std::array<std::pair<K, V>, kInline> inline_{};
  std::vector<std::pair<K, V>> spill_;
  size_t n_ = 0;
};

}  // namespace atslab::check
