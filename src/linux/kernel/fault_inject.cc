#include "linux/kernel/fault_inject.h"

#include <cerrno>

#include "linux/kernel/errno.h"
#include "linux/system.h"

namespace atslab::faults {

namespace {
constexpr std::array<std::string_view, kPointCount> kNames = {
    "pci_enable_ats", "pci_prepare_ats", "arm_smmu_invs_merge.alloc", "arm_smmu_master_domain.alloc",
    "config_write.drop", "endpoint.ignore_atc_inv", "quirk.other_phase", "cache_tag.alloc", "endpoint.keep_atc_on_enable"};
constexpr std::array<int, kPointCount> kDefaultError = {-EINVAL, -EINVAL, -ENOMEM, -ENOMEM, 0, 0, 0, -ENOMEM, 0};

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

bool endpoint_non_compliance(Point p) { return p == Point::EndpointIgnoresAtcInv || p == Point::EndpointKeepsAtc; }

std::string_view name(Point p) { return kNames.at(static_cast<size_t>(p)); }

bool returns_error(Point p) { return kDefaultError.at(static_cast<size_t>(p)) != 0; }

std::optional<Point> parse_point(std::string_view s) {
  for (size_t i = 0; i < kPointCount; ++i)
    if (kNames[i] == s) return static_cast<Point>(i);
  return std::nullopt;
}

void seed(Injector& inj, uint64_t s) {
  inj.rng = s;
  splitmix64(inj.rng);
}

std::optional<int> inject(System& s, Point p) {
  Injector& inj = s.faults;
  if (inj.rules.empty()) return std::nullopt;
  size_t i = static_cast<size_t>(p);
  uint32_t call = ++inj.calls[i];
  auto applies = [&](const Rule& r) { return r.point == p && (r.step.empty() || r.step == inj.step); };
  // Every rule this call applies to counts it, also those after the one that fires.
  auto& tallies = s.record.fault_tallies;
  if (tallies.size() < inj.rules.size()) tallies.resize(inj.rules.size());
  for (size_t k = 0; k < inj.rules.size(); ++k) tallies[k].calls += applies(inj.rules[k]);
  for (size_t k = 0; k < inj.rules.size(); ++k) {
    const Rule& r = inj.rules[k];
    if (!applies(r)) continue;
    bool fire = r.always || (r.nth && r.nth == call);
    if (!fire && r.per_million) fire = splitmix64(inj.rng) % 1000000 < r.per_million;
    if (!fire) continue;
    ++tallies[k].fires;
    ++inj.fired[i];
    s.record.event(kernel::EventKind::FaultInjected, static_cast<uint32_t>(i), call);
    return r.error ? r.error : kDefaultError[i];
  }
  return std::nullopt;
}

}  // namespace atslab::faults
