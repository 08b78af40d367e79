#pragma once
// Named fault-injection points (design principle 5). A plan says when each
// fires: on the nth call, with a probability drawn from the run's seed, or
// while a named step runs. The injector's counters and RNG are part of the
// System value, so a run replays exactly.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atslab {
struct System;
}

namespace atslab::faults {

enum class Point : uint8_t {
  PciEnableAts,           // pci_enable_ats returns an error
  PciPrepareAts,          // pci_prepare_ats returns an error
  InvsMergeAlloc,         // arm_smmu_invs_merge cannot allocate (-ENOMEM)
  MasterDomainAlloc,      // arm_smmu_attach_prepare cannot allocate its master_domain (-ENOMEM)
  ConfigWriteDropped,     // a config write does not stick in the device
  EndpointIgnoresAtcInv,  // non-compliant endpoint: with ATS off it ignores an ATC invalidation (CMD_SYNC times out)
  QuirkOtherPhase,        // a no-ATS quirk runs in the other fixup phase for this device
  CacheTagAlloc,          // VT-d cache_tag_assign cannot allocate its struct cache_tag (-ENOMEM)
  EndpointKeepsAtc,       // non-compliant endpoint: its ATC survives ATS Enable going Clear -> Set
  kCount
};
inline constexpr size_t kPointCount = static_cast<size_t>(Point::kCount);

std::string_view name(Point p);  // stable names used in plans, traces and reports
// Whether the point makes a function return an error (`err=` chooses it); the others drop or
// ignore something instead.
bool returns_error(Point p);
std::optional<Point> parse_point(std::string_view s);

struct Rule {
  Point point{};
  uint32_t nth = 0;          // fire on the nth call of the point (1-based); 0 = not by count
  uint32_t per_million = 0;  // fire with this probability (parts per million), from the run's seed
  std::string step;          // fire only while this step runs ("" = any step)
  bool always = false;       // fire on every call (within `step` if given)
  int error = 0;             // the error returned, where the point returns one (0: the point's default)
  bool operator==(const Rule&) const = default;
};

struct Injector {
  std::vector<Rule> rules;
  std::array<uint32_t, kPointCount> calls{};
  std::array<uint32_t, kPointCount> fired{};
  uint64_t rng = 0x9e3779b97f4a7c15ull;  // splitmix64 state, seeded per run
  std::string step;                       // the step now running (set by the runner)
  bool operator==(const Injector&) const = default;
};

void seed(Injector& inj, uint64_t seed);

// The points that make an endpoint behave as PCIe does not allow (named in every report that runs
// with one of them in the plan).
bool endpoint_non_compliance(Point p);

// Called at the point: the error to inject (negative errno, or the point's default), if any fires.
std::optional<int> inject(System& s, Point p);

}  // namespace atslab::faults
